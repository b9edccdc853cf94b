// An impairing UDP relay on loopback: datagrams from the client to the target are
// dropped, duplicated or held back by their index (0 = the first the relay received),
// so a test knows exactly what the far end should count; replies go back untouched.
// Port 0 only; runs on its own thread until it goes away.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>

namespace netlab::test {

struct impairment {
    std::set<std::uint64_t> drop;
    std::set<std::uint64_t> duplicate;  // forwarded twice in a row
    // index -> forwarded after this many later datagrams (1: swapped with the next)
    std::map<std::uint64_t, std::uint64_t> delay;
};

class udp_relay {
public:
    udp_relay(unsigned short target_port, impairment plan);
    ~udp_relay();
    udp_relay(const udp_relay&) = delete;
    udp_relay& operator=(const udp_relay&) = delete;

    unsigned short port() const;  // where clients send (127.0.0.1)
    std::uint64_t received() const;  // from the client so far
    // Datagrams the kernel dropped at the relay's two sockets (receive buffer full: the
    // relay's thread fell behind), which the far end would count as lost.
    std::uint64_t kernel_drops() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace netlab::test
