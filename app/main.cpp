// s3top: parse options into a typed config, build the engine, run.
#include "app/cli.hpp"
#include "app/crash.hpp"

int main(int argc, char** argv) {
    s3top::app::install_crash_handlers();
    return s3top::app::run(argc, argv);
}
