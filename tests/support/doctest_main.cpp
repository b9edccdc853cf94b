// The one doctest main shared by every unit-test executable.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>

int main(int argc, char** argv) {
#ifdef SIGPIPE
    // A child that exits before taking all its stdin, or a peer that closes first, must
    // fail a write with EPIPE, not kill the test. Children start with default handling.
    std::signal(SIGPIPE, SIG_IGN);
#endif
    doctest::Context context(argc, argv);
    return context.run();
}
