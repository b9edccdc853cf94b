#include <doctest/doctest.h>

#include <vector>

#include "netlab/platform/trace.hpp"

namespace pf = netlab::platform;

TEST_CASE("trace records reach the installed sink and nothing else") {
    std::vector<pf::trace_record> seen;
    CHECK_FALSE(pf::tracing_enabled());
    pf::emit_trace({});  // no sink: nothing happens
    pf::set_trace_sink([&](const pf::trace_record& r) { seen.push_back(r); });
    CHECK(pf::tracing_enabled());
    pf::trace_record r;
    r.step = pf::trace_step::connect;
    r.handle = 7;
    r.remote = "127.0.0.1:80";
    pf::emit_trace(r);
    pf::set_trace_sink({});
    CHECK_FALSE(pf::tracing_enabled());
    pf::emit_trace(r);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].step == pf::trace_step::connect);
    CHECK(seen[0].handle == 7);
    CHECK(seen[0].remote == "127.0.0.1:80");
}

TEST_CASE("trace steps have the socket API's names") {
    CHECK(pf::step_name(pf::trace_step::socket) == "socket");
    CHECK(pf::step_name(pf::trace_step::accept) == "accept");
    CHECK(pf::step_name(pf::trace_step::recv) == "recv");
    CHECK(pf::step_name(pf::trace_step::close) == "close");
    CHECK(pf::step_name(pf::trace_step::resolve) == "resolve");
    CHECK(pf::step_name(pf::trace_step::recvmmsg) == "recvmmsg");
    CHECK(pf::step_name(pf::trace_step::setsockopt) == "setsockopt");
    CHECK(pf::step_name(pf::trace_step::tls_handshake) == "tls_handshake");
}

TEST_CASE("a step known only by its handle is traced with its bytes and error") {
    std::vector<pf::trace_record> seen;
    pf::set_trace_sink([&](const pf::trace_record& r) { seen.push_back(r); });
    pf::emit_trace(pf::trace_step::sendfile, 9, 1024, std::make_error_code(std::errc::broken_pipe), "zero-copy");
    pf::set_trace_sink({});
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].step == pf::trace_step::sendfile);
    CHECK(seen[0].handle == 9);
    CHECK(seen[0].bytes == 1024);
    CHECK(static_cast<bool>(seen[0].error == std::errc::broken_pipe));
    CHECK(seen[0].detail == "zero-copy");
}
