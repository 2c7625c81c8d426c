// s3top: parse options into a typed config, build the engine, run.
#include "app/cli.hpp"

int main(int argc, char** argv) { return s3top::app::run(argc, argv); }
