// netlab get when stdout or stderr is a terminal (a pseudo-terminal the test owns): the
// binary-body refusal, the progress bar, and a stop signal arriving while the bar shows.
#include <doctest/doctest.h>

#include <signal.h>

#include <string>

#include "support/process.hpp"
#include "support/scripted_server.hpp"

using namespace netlab::test;

namespace {

std::string ok_response(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

const std::string png_start("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);

// Under wine a pseudo-terminal becomes a Windows console, which wine draws with its own
// escape sequences: what the terminal shows is no longer what netlab wrote.
bool terminal_is_emulated() {
    if (!under_emulator()) return false;
    MESSAGE("skipped: a pseudo-terminal under an emulator is a console it redraws");
    return true;
}

// A 1 MB body that trickles: 25 blocks 100 ms apart (2.5 s, past the bar's 1 s delay),
// then nothing more until the server goes away.
script trickle() {
    script s{read_request(), send("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")};
    for (int i = 0; i < 25; ++i) {
        s.push_back(pause(100ms));
        s.push_back(send(std::string(4000, 'x')));
    }
    s.push_back(hold());
    return s;
}

}  // namespace

TEST_CASE("a binary body is not poured onto a terminal: exit 23 and curl's advice") {
    if (terminal_is_emulated()) return;
    scripted_server srv({reply(ok_response(png_start))});
    auto c = child::start_on_terminal(netlab_args({"get", "-m", "10", srv.url("/logo.png")}), {.out = true, .err = false});
    CHECK(c.wait(20s) == 23);
    CHECK(c.stderr_text() == "netlab: (23) binary output can mess up your terminal; use -o FILE or -o -\n");
    CHECK(c.terminal_text().find("PNG") == std::string::npos);
}

TEST_CASE("-o - sends a binary body to the terminal anyway") {
    if (terminal_is_emulated()) return;
    scripted_server srv({reply(ok_response(png_start))});
    auto c = child::start_on_terminal(netlab_args({"get", "-o", "-", "-m", "10", srv.url("/logo.png")}),
                                   {.out = true, .err = false});
    CHECK(c.wait(20s) == 0);
    CHECK(c.stderr_text().empty());
    CHECK(c.terminal_text() == png_start);
}

TEST_CASE("a text body reaches the terminal as it is") {
    if (terminal_is_emulated()) return;
    scripted_server srv({reply(ok_response("plain text\n"))});
    auto c = child::start_on_terminal(netlab_args({"get", "-m", "10", srv.url()}), {.out = true, .err = false});
    CHECK(c.wait(20s) == 0);
    CHECK(c.terminal_text() == "plain text\n");
}

TEST_CASE("a binary body to a pipe is not refused") {
    scripted_server srv({reply(ok_response(png_start))});
    const auto r = run_netlab({"get", "-m", "10", srv.url("/logo.png")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == png_start);
}

TEST_CASE("a binary body to the null device is not refused: a character device is not a terminal") {
    // Windows' NUL (and wine's /dev/null) is a character device that _isatty accepts.
    scripted_server srv({reply(ok_response(png_start))});
    std::string line = "exec";
    for (const auto& a : netlab_args({"get", "-m", "10", srv.url("/logo.png")})) line += " '" + a + "'";
    const auto r = run({"sh", "-c", line + " >/dev/null"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
}

TEST_CASE("a progress bar on the terminal's stderr while the body goes to a file") {
    if (terminal_is_emulated()) return;
    scripted_server srv({trickle()});
    temp_dir dir;
    auto c = child::start_on_terminal(netlab_args({"get", "-o", dir.path() + "/big", "-m", "20", srv.url()}),
                                   {.out = true, .err = true});
    CHECK(c.wait_for_terminal("ETA", 20s));
    CHECK(c.terminal_text().find("% [") != std::string::npos);
}

TEST_CASE("a progress bar also when stdout is redirected, as curl does") {
    if (terminal_is_emulated()) return;
    scripted_server srv({trickle()});
    auto c = child::start_on_terminal(netlab_args({"get", "-m", "20", srv.url()}), {.out = false, .err = true});
    CHECK(c.wait_for_terminal("ETA", 20s));
}

TEST_CASE("no progress bar when the body itself goes to the terminal") {
    if (terminal_is_emulated()) return;
    std::string body(300000, 'x');
    script s{read_request(), send("HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n")};
    for (int i = 0; i < 12; ++i) {  // about 1.2 s
        s.push_back(pause(100ms));
        s.push_back(send(body.substr(static_cast<std::size_t>(i) * 25000, 25000)));
    }
    scripted_server srv({s});
    auto c = child::start_on_terminal(netlab_args({"get", "-m", "20", srv.url()}), {.out = true, .err = true});
    CHECK(c.wait(20s) == 0);
    CHECK(c.terminal_text() == body);
}

TEST_CASE("Ctrl-C during a download ends the bar's line before the message, exit 130") {
    if (terminal_is_emulated()) return;
    scripted_server srv({trickle()});
    temp_dir dir;
    auto c = child::start_on_terminal(
        netlab_args({"--color", "never", "get", "-o", dir.path() + "/big", "-m", "20", srv.url()}),
        {.out = false, .err = true});
    REQUIRE(c.wait_for_terminal("ETA", 20s));
    c.send_signal(SIGINT);
    CHECK(c.wait(20s) == 130);
    const auto& t = c.terminal_text();
    const auto message = t.find("netlab: (130) interrupted with ");
    REQUIRE(message != std::string::npos);
    CHECK(t.substr(0, message).ends_with("\x1b[K\n"));  // the bar, its line ended
    CHECK(t.ends_with(" bytes received\n"));
}
