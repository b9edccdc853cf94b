// The one doctest main shared by every unit-test executable.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <string_view>

namespace {

// How many test cases the last run selected; -1 when no run reported (a query such as
// --list-test-cases).
int g_selected = -1;

// ctest runs each test as `exe --test-case=NAME` (doctest_discover_tests). A name that no
// longer selects its case (a ';' splits it in CMake's lists, a rename) would run nothing
// and pass; this listener lets main() fail such a run instead.
struct selection_counter : doctest::IReporter {
    explicit selection_counter(const doctest::ContextOptions& /*options*/) {}
    void report_query(const doctest::QueryData& /*data*/) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats& stats) override {
        g_selected = static_cast<int>(stats.numTestCasesPassingFilters);
    }
    void test_case_start(const doctest::TestCaseData& /*data*/) override {}
    void test_case_reenter(const doctest::TestCaseData& /*data*/) override {}
    void test_case_end(const doctest::CurrentTestCaseStats& /*stats*/) override {}
    void test_case_exception(const doctest::TestCaseException& /*e*/) override {}
    void subcase_start(const doctest::SubcaseSignature& /*signature*/) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData& /*data*/) override {}
    void log_message(const doctest::MessageData& /*data*/) override {}
    void test_case_skipped(const doctest::TestCaseData& /*data*/) override {}
};

}  // namespace

DOCTEST_REGISTER_LISTENER("selection_counter", 1, selection_counter);

int main(int argc, char** argv) {
#ifdef SIGPIPE
    // A child that exits before taking all its stdin, or a peer that closes first, must
    // fail a write with EPIPE, not kill the test. Children start with default handling.
    std::signal(SIGPIPE, SIG_IGN);
#endif
    bool filtered = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        filtered = filtered || arg.starts_with("--test-case=") || arg.starts_with("-tc=");
    }
    doctest::Context context(argc, argv);
    const int status = context.run();
    if (filtered && g_selected == 0) {
        std::fprintf(stderr, "no test case matches the --test-case filter: a test that runs nothing "
                             "must not pass (a ';' in a TEST_CASE name splits it in ctest)\n");
        return 1;
    }
    return status;
}
