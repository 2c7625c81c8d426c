// s3top: parse options into a typed config, build the engine, run.
#include <malloc.h>

#include "app/cli.hpp"
#include "app/crash.hpp"

int main(int argc, char** argv) {
    // A fixed threshold: every block of 256 KiB or more (a batch's columns, a read buffer) is
    // mapped on its own and goes back to the system when freed. glibc's default raises the
    // threshold after the first such free, and the load's freed batches then stay in the heap,
    // fragmented: the dashboard held ~25 MB more over 2 M lines.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    s3top::app::install_crash_handlers();
    return s3top::app::run(argc, argv);
}
