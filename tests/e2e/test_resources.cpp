// Running out of file descriptors, memory or threads: one line naming the resource and
// what to do, exit 1, the same in every subcommand; never "internal error: epoll: Too
// many open files", never "terminate called after throwing std::bad_alloc" and exit 134.
// The limits are set as a user would, `sh -c 'ulimit -n 4; exec netlab ...'`.
#include <doctest/doctest.h>

#include <csignal>
#include <regex>
#include <string>
#include <vector>

#include "support/loopback.hpp"
#include "support/process.hpp"
#include "support/scripted_server.hpp"

using namespace netlab::test;

namespace {

// The command line of `netlab args...` with `ulimit -<flag> <value>` set first (exec: the
// PID is netlab's).
std::vector<std::string> limited_argv(char flag, long value, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"sh", "-c", "ulimit -" + std::string(1, flag) + " " + std::to_string(value) + " && exec \"$@\"",
                                  "sh"};
    for (const auto& w : netlab_command()) argv.push_back(w);
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

run_result run_limited(char flag, long value, const std::vector<std::string>& args) {
    return run(limited_argv(flag, value, args), 30s);
}

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    return text;
}

bool is_resource_line(const std::string& err) {
    static const std::regex line(R"(netlab: out of (memory|file descriptors|threads)[^\n]*: [^\n]+\n)");
    return std::regex_match(err, line);
}

// The limits are POSIX shell's; a sanitizer needs memory and descriptors of its own.
bool can_limit() {
    if (under_emulator()) { MESSAGE("skipped: ulimit does not bind a Windows program under an emulator"); return false; }
    if (under_sanitizer()) { MESSAGE("skipped: a sanitizer reserves memory and descriptors of its own"); return false; }
    return true;
}

// One line saying which resource ran out and what to do, maybe after what was being
// done ("netlab: cannot listen on 127.0.0.1:0: out of file descriptors ...").
bool is_resource_report(const std::string& err) {
    static const std::regex line(R"(netlab: ([^\n]*: )?out of (memory|file descriptors|threads)[^\n]*: [^\n]+\n)");
    return std::regex_match(err, line);
}

enum class serve_outcome { served, resource_line };

// serve-http under a limit either serves (its listening line, an answer to a request, then
// SIGINT ends it with exit 0; anything it said on stderr meanwhile is a resource line,
// never "internal error") or says which resource ran out and exits 1: never an abort
// (exit 134 when a worker thread failed to start while others ran), never a hang.
serve_outcome serve_limited(char flag, long value) {
    // Several worker threads: one may fail to start after others did.
    auto c = child::start(limited_argv(flag, value, {"--json", "serve-http", "--echo", "-p", "0", "-b", "127.0.0.1", "--threads", "4"}));
    const auto line = c.read_line(20s);
    static const std::regex port_field(R"("event":"listening".*"port":([0-9]+))");
    std::smatch m;
    std::string answer;
    // The listening line comes before the worker threads start: an answer proves they run
    // (the acceptor takes connections only after the last one started).
    // Or it is up but has no descriptor left for a connection, and says so (waits in
    // turn for either, up to one deadline).
    bool said_short = false;
    if (line && std::regex_search(*line, m, port_field)) {
        try {
            raw_connection conn(static_cast<unsigned short>(std::stoi(m[1].str())));
            conn.send("GET / HTTP/1.0\r\n\r\n");
            const auto deadline = std::chrono::steady_clock::now() + 20s;
            while (!answer.starts_with("HTTP/1.") && !said_short && !c.exited() &&
                   std::chrono::steady_clock::now() < deadline) {
                answer += conn.read_until("\r\n", 200ms);
                said_short = c.wait_for_stderr("still serving", 200ms).has_value();
            }
        } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): refused or reset: it ended, said below
        }
    }
    const bool served = answer.starts_with("HTTP/1.") || said_short;
    if (served) c.send_signal(SIGINT);
    const int code = c.wait(20s);
    const std::string& err = c.stderr_text();
    INFO("serve-http under ulimit -" << std::string(1, flag) << " " << value << ": exit " << code
                                     << ", stdout: " << line.value_or("") << ", stderr: " << err);
    CHECK_FALSE(c.killed_at_deadline());
    CHECK(err.find("internal error") == std::string::npos);
    if (served) {
        CHECK(code == 0);
        std::size_t at = 0;
        while (at < err.size()) {
            const auto end = err.find('\n', at);
            REQUIRE(end != std::string::npos);
            CHECK(is_resource_report(err.substr(at, end + 1 - at)));
            at = end + 1;
        }
        return serve_outcome::served;
    }
    CHECK(code == 1);
    CHECK(is_resource_report(err));
    return serve_outcome::resource_line;
}


// The smallest address-space limit (KiB, within 256) under which netlab starts at all:
// below it the dynamic loader or the C++ runtime fails before netlab's first line runs.
long smallest_startable_address_space() {
    long low = 1024, high = 1024 * 1024;
    REQUIRE(run_limited('v', high, {"--version"}).exit_code == 0);
    while (high - low > 256) {
        const long mid = (low + high) / 2;
        (run_limited('v', mid, {"--version"}).exit_code == 0 ? high : low) = mid;
    }
    return high;
}

}  // namespace

TEST_CASE("out of file descriptors: every subcommand says so in one line naming ulimit -n and exits 1") {
    if (!can_limit()) return;
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")});
    const std::string port = std::to_string(unused_port());
    const std::vector<std::vector<std::string>> commands{
        {"get", "-m", "10", srv.url()},
        {"--json", "get", "-m", "10", srv.url()},
        {"serve-http", "-p", "0", "-b", "127.0.0.1"},
        {"udp-send", "127.0.0.1", port, "hi"},
        {"udp-listen", "0", "-b", "127.0.0.1", "--timeout", "1"},
        {"portscan", "127.0.0.1", "-p", port},
        {"demux-demo"},
    };
    // 4: the three standard streams and one more; the event loop needs more than that.
    for (const auto& args : commands) {
        const auto r = run_limited('n', 4, args);
        INFO(joined(args) << ": exit " << r.exit_code << ", stderr: " << r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err == "netlab: out of file descriptors (too many open files): raise the limit with `ulimit -n`\n");
    }
    // A few more descriptors: the first fails where the subcommand already runs.
    for (const auto& args : std::vector<std::vector<std::string>>{commands[0], commands[3], commands[5]}) {
        const auto r = run_limited('n', 6, args);
        INFO(joined(args) << ": exit " << r.exit_code << ", stderr: " << r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err == "netlab: out of file descriptors (too many open files): raise the limit with `ulimit -n`\n");
    }
}

TEST_CASE("out of file descriptors at any step: the same words wherever a subcommand reports it") {
    if (!can_limit()) return;
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")});
    const std::string port = std::to_string(unused_port());
    const std::string words = "out of file descriptors (too many open files): raise the limit with `ulimit -n`\n";
    const std::vector<std::vector<std::string>> commands{
        {"get", "-m", "10", "-o", "/dev/null", srv.url()},
        {"udp-send", "127.0.0.1", port, "hi"},
        {"udp-listen", "0", "-b", "127.0.0.1", "--timeout", "0.5"},
        {"demux-demo"},
    };
    for (const auto& args : commands) {
        const auto normal = run_limited('n', 1024, args);
        int short_of_descriptors = 0;
        for (int n = 4; n <= 24; ++n) {
            const auto r = run_limited('n', n, args);
            INFO(joined(args) << " under ulimit -n " << n << ": exit " << r.exit_code << ", stderr: " << r.err);
            if (r.err == normal.err) {
                CHECK(r.exit_code == normal.exit_code);
                continue;
            }
            // "netlab: (7) failed to connect to ...: out of file descriptors ...", one line.
            CHECK(r.err.ends_with(words));
            CHECK(r.err.find('\n') == r.err.size() - 1);
            CHECK(r.exit_code != 0);
            ++short_of_descriptors;
        }
        INFO(joined(args));
        CHECK(short_of_descriptors > 0);
    }
}

TEST_CASE("out of memory or threads under ulimit -v: a resource line and exit 1 at every limit, never an abort") {
    if (!can_limit()) return;
    const long start = smallest_startable_address_space() + 256;
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")});
    const std::string port = std::to_string(unused_port());
    const std::vector<std::vector<std::string>> commands{
        {"get", "-m", "10", "-o", "/dev/null", srv.url()},
        {"udp-send", "127.0.0.1", port, "hi"},
        // Its threads and their event loops: out of either, it must end, not wait forever.
        {"portscan", "127.0.0.1", "-p", "1-2000"},
    };
    for (const auto& args : commands) {
        const auto normal = run_limited('v', 4 * 1024 * 1024, args);
        REQUIRE_MESSAGE(normal.err.find("out of") == std::string::npos, normal.err);
        // From the start upwards until the subcommand runs as without a limit 4 times
        // in a row: every run in between ran out of something and must say so.
        int resource_lines = 0;
        int normal_in_a_row = 0;
        for (long v = start; normal_in_a_row < 4 && v < start + 256 * 1024; v += 512) {
            const auto r = run_limited('v', v, args);
            INFO(joined(args) << " under ulimit -v " << v << ": exit " << r.exit_code << ", stderr: " << r.err);
            if (is_resource_line(r.err)) {
                CHECK(r.exit_code == 1);
                ++resource_lines;
                normal_in_a_row = 0;
                continue;
            }
            CHECK(r.exit_code == normal.exit_code);
            CHECK(r.err == normal.err);
            ++normal_in_a_row;
        }
        INFO(joined(args));
        CHECK(resource_lines > 0);
        CHECK(normal_in_a_row == 4);
    }
}

TEST_CASE("a resource that runs out on another thread is the same one line and exit 1 (std::terminate)") {
    const auto probe = [](const std::string& what) { return run({NETLAB_RESOURCE_PROBE, what}, 30s); };
    auto r = probe("memory");
    CHECK(r.exit_code == 1);
    CHECK(is_resource_line(r.err));
    CHECK(r.err.starts_with("netlab: out of memory"));
    r = probe("descriptors");
    CHECK(r.exit_code == 1);
    CHECK(r.err.starts_with("netlab: out of file descriptors (too many open files"));
    CHECK(is_resource_line(r.err));
    r = probe("threads");
    CHECK(r.exit_code == 1);
    CHECK(r.err.starts_with("netlab: out of threads"));
    CHECK(is_resource_line(r.err));
    // Anything else is a bug and keeps the C++ library's own ending.
    r = probe("bug");
    CHECK(r.exit_code != 1);
    CHECK(r.err.find("a bug, not a resource") != std::string::npos);
}

TEST_CASE("serve-http short of descriptors at any step: it serves or says so in one line, never aborts or hangs") {
    if (!can_limit()) return;
    int resource_lines = 0;
    int served = 0;
    for (long n = 4; n <= 24; ++n) (serve_limited('n', n) == serve_outcome::served ? served : resource_lines)++;
    CHECK(resource_lines > 0);
    CHECK(served > 0);
}

TEST_CASE("serve-http short of memory at any step: it serves or says so in one line, never aborts or hangs") {
    if (!can_limit()) return;
    const long high = smallest_startable_address_space();
    // From where netlab starts upwards until it serves 4 times in a row (four worker
    // threads' stacks need some 32 MiB of address space).
    int resource_lines = 0;
    int served_in_a_row = 0;
    for (long v = high + 256; served_in_a_row < 4 && v < high + 256 * 1024; v += 512) {
        if (serve_limited('v', v) == serve_outcome::served) {
            ++served_in_a_row;
        } else {
            ++resource_lines;
            served_in_a_row = 0;
        }
    }
    CHECK(resource_lines > 0);
    CHECK(served_in_a_row == 4);
}
