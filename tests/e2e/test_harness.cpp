// The test harness itself (tests/support): every wait bounded, even when a child's own
// children keep its pipes open; stdin fed without blocking; no descriptor of the test
// leaking into a child; the deadline kill reaching the child's children.
#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <fstream>
#include <string>

#include "support/process.hpp"
#include "support/scripted_server.hpp"

using namespace netlab::test;
using steady = std::chrono::steady_clock;

TEST_CASE("run() ends soon after the child exits, though a process it left behind holds its pipes") {
    const auto start = steady::now();
    // The shell exits at once; its background sleep keeps stdout and stderr open.
    const auto r = run({"sh", "-c", "echo before; sleep 60 & exit 3"}, 30s);
    const auto took = steady::now() - start;
    CHECK(r.exit_code == 3);
    CHECK_FALSE(r.timed_out);
    CHECK(r.out == "before\n");
    CHECK(r.err.find("still holds its stdout/stderr open") != std::string::npos);
    CHECK(took < 20s);  // the grace, not the 30 s deadline nor the sleep's 60
}

TEST_CASE("child::wait() is bounded the same way, and the deadline kill takes the child's children along") {
    auto c = child::start({"sh", "-c", "sleep 60 & echo $!; exit 0"});
    const auto sleeper = c.read_line(20s);
    REQUIRE(sleeper.has_value());
    CHECK(c.wait(20s) == 0);
    CHECK(c.stderr_text().find("still holds") != std::string::npos);
    // A child killed at its deadline: its group goes too.
    auto d = child::start({"sh", "-c", "sleep 60 & echo $!; wait"});
    const auto grandchild = d.read_line(20s);
    REQUIRE(grandchild.has_value());
    CHECK(d.wait(200ms) == -1);
    CHECK(d.killed_at_deadline());
    // Killed: gone, or a zombie until init reaps the orphan.
    std::ifstream stat("/proc/" + *grandchild + "/stat");
    std::string pid, name, state;
    stat >> pid >> name >> state;
    CHECK_MESSAGE((!stat || state == "Z" || state == "X"), "the grandchild is still running: " << state);
    run({"kill", *sleeper});  // the one this test left running on purpose, by its PID
}

TEST_CASE("stdin larger than a pipe holds is fed as the child reads it, and a child that never reads does not block") {
    const std::string big(1 << 20, 'x');
    auto r = run({"wc", "-c"}, 30s, big);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(std::to_string(big.size())) != std::string::npos);
    // `true` exits without reading: the writes fail with EPIPE (SIGPIPE is ignored).
    r = run({"true"}, 30s, big);
    CHECK(r.exit_code == 0);
    CHECK_FALSE(r.timed_out);
}

TEST_CASE("a child keeps stdin open until told, and stderr lines can be waited for in order") {
    auto c = child::start_with_stdin({"sh", "-c", "while read -r line; do echo \"got $line\" >&2; done; echo end >&2"});
    c.write_stdin("one\n");
    CHECK(c.wait_for_stderr("got one", 20s) == "got one");
    c.write_stdin("two\n");
    CHECK(c.wait_for_stderr("got", 20s) == "got two");  // after the line found before
    c.close_stdin();
    CHECK(c.wait_for_stderr("end", 20s) == "end");
    CHECK(c.wait(20s) == 0);
}

TEST_CASE("a child inherits none of the test's sockets") {
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    // Every descriptor the child has beyond stdin, stdout and stderr, by number.
    const auto r = run({"sh", "-c", "ls /proc/self/fd"});
    REQUIRE(r.exit_code == 0);
    std::string others;
    for (std::size_t at = 0; at < r.out.size();) {
        const auto nl = r.out.find('\n', at);
        const auto fd = r.out.substr(at, nl - at);
        if (fd != "0" && fd != "1" && fd != "2" && fd != "3") others += fd + " ";  // 3: ls's own listing
        at = nl == std::string::npos ? r.out.size() : nl + 1;
    }
    CHECK_MESSAGE(others.empty(), "the child holds descriptors " << others);
}

TEST_CASE("scripted_server: a connection that sends nothing takes no script and is not counted") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")});
    {
        asio::io_context io;
        asio::ip::tcp::socket stray(io);
        stray.connect({asio::ip::make_address("127.0.0.1"), srv.port()});
    }  // closed without a word, as a port scan does
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "ok");
    CHECK(srv.wait_for_requests(1, 20s));
    CHECK(srv.connections() == 1);
}

TEST_CASE("unused_port() refuses connections and is not handed out again") {
    const auto port = unused_port();
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    std::error_code ec;
    s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    CHECK(ec == asio::error::connection_refused);
    asio::ip::tcp::acceptor other(io);
    other.open(asio::ip::tcp::v4());
    other.bind({asio::ip::make_address("127.0.0.1"), port}, ec);
    CHECK(ec == asio::error::address_in_use);
}
