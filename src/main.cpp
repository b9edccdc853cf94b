// netlab: one binary, several socket tools. Everything is in the libraries below; this
// file only prepares the process and hands over to the command-line frame.
#include "cli/app.hpp"
#include "netlab/platform/process.hpp"

int main(int argc, char** argv) {
    netlab::platform::init_process();
    return netlab::cli::run(argc, argv);
}
