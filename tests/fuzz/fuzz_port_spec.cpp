// portscan's -p parser (nmap's syntax) and the service names behind it. Properties: a
// spec that parses gives ports 1..65535, ascending, each once; one that does not gives one
// line that says why (bad input must never reach the terminal as more than one line); a
// spec built from numbers and ranges gives exactly the ports a model gives; the glob
// matcher agrees with a plain recursive one; a services file gives only ports 1..65535,
// each name able to find its port again.
// Input: one mode byte, then what that mode reads.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "scan/port_spec.hpp"
#include "scan/services.hpp"

namespace {

using namespace netlab::scan;

// A small database instead of the machine's /etc/services, so runs are repeatable.
const services_db& test_db() {
    static const services_db db = parse_services("http 80/tcp www\nhttp-alt 8080/tcp\nssh 22/tcp\nfoo 7/udp\n");
    return db;
}

void check_spec(std::string_view spec) {
    const auto r = parse_port_spec(spec, [](std::string_view name) { return ports_named(name, test_db()); });
    if (r.ok()) {
        FUZZ_CHECK(!r.ports.empty());
        for (std::size_t i = 0; i < r.ports.size(); ++i) {
            FUZZ_CHECK(r.ports[i] >= 1);
            if (i > 0) FUZZ_CHECK(r.ports[i - 1] < r.ports[i]);
        }
    } else {
        FUZZ_CHECK(r.ports.empty());
        FUZZ_CHECK(r.error.find_first_of("\r\n") == std::string::npos);
    }
}

// A spec of numbers and ranges, and the ports it must give.
void check_model(netlab::fuzz::input& in) {
    std::string spec;
    std::vector<bool> want(65536);
    const auto mark = [&](unsigned lo, unsigned hi) {
        for (unsigned p = lo; p <= hi; ++p) want[p] = true;
    };
    const int entries = 1 + in.byte() % 8;
    for (int i = 0; i < entries; ++i) {
        const unsigned a = 1 + in.u16() % 65535u;
        const unsigned b = 1 + in.u16() % 65535u;
        if (!spec.empty()) spec += in.flag() ? ", " : ",";
        switch (in.byte() % 4) {
            case 0: spec += std::to_string(a); mark(a, a); break;
            case 1: spec += std::to_string(std::min(a, b)) + "-" + std::to_string(std::max(a, b)); mark(std::min(a, b), std::max(a, b)); break;
            case 2: spec += "T:-" + std::to_string(a); mark(1, a); break;
            default: spec += std::to_string(a) + "-"; mark(a, 65535); break;
        }
    }
    const auto r = parse_port_spec(spec, nullptr);
    FUZZ_CHECK(r.ok());
    std::vector<bool> got(65536);
    for (const auto p : r.ports) got[p] = true;
    FUZZ_CHECK(got == want);
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool glob(std::string_view p, std::string_view n) {
    if (p.empty()) return n.empty();
    if (p.front() == '*') return glob(p.substr(1), n) || (!n.empty() && glob(p, n.substr(1)));
    return !n.empty() && (p.front() == '?' || lower(p.front()) == lower(n.front())) && glob(p.substr(1), n.substr(1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    netlab::fuzz::input in(data, size);
    switch (in.byte() % 4) {
        case 0: check_spec(in.rest()); break;
        case 1: check_model(in); break;
        case 2: {
            const auto pattern = in.bytes(12);  // short: the reference is exponential
            const auto name = in.rest().substr(0, 16);
            FUZZ_CHECK(name_matches(pattern, name) == glob(pattern, name));
            break;
        }
        default: {
            const auto db = parse_services(in.rest());
            for (const auto& [port, name] : db.name_of) {
                FUZZ_CHECK(port >= 1 && !name.empty());
                std::string key(name);
                for (auto& c : key) c = lower(c);
                const auto it = db.ports_of.find(key);
                FUZZ_CHECK(it != db.ports_of.end());
            }
            for (const auto& [name, ports] : db.ports_of)
                for (const auto p : ports) FUZZ_CHECK(p >= 1);
        }
    }
    return 0;
}
