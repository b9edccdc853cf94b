#include "scan/probe_board.hpp"

namespace netlab::scan {
namespace {

// One slot's word: state (bits 0-7), remote port (16-31), local port (32-47), target
// number (48-63).
enum state : std::uint64_t { idle_state = 0, connecting_state = 1, connected_state = 2, met_state = 3 };

std::uint64_t state_of(std::uint64_t w) { return w & 0xff; }
std::uint16_t port_of(std::uint64_t w) { return static_cast<std::uint16_t>(w >> 16); }
std::uint16_t source_of(std::uint64_t w) { return static_cast<std::uint16_t>(w >> 32); }
std::size_t target_of(std::uint64_t w) { return static_cast<std::size_t>(w >> 48); }
std::uint64_t with_state(std::uint64_t w, std::uint64_t s) { return (w & ~std::uint64_t{0xff}) | s; }

}  // namespace

probe_board::probe_board(std::size_t slots) : size_(slots), words_(new std::atomic<std::uint64_t>[slots]) {
    for (std::size_t i = 0; i < slots; ++i) words_[i].store(idle_state);
}

void probe_board::connecting(std::size_t i, std::size_t target, std::uint16_t port) {
    words_[i].store((static_cast<std::uint64_t>(target & 0xffff) << 48) | (std::uint64_t{port} << 16) | connecting_state);
}

void probe_board::connected(std::size_t i, std::uint16_t source) {
    const auto w = words_[i].load();
    words_[i].store(with_state(w & ~(std::uint64_t{0xffff} << 32), connected_state) | (std::uint64_t{source} << 32));
}

void probe_board::idle(std::size_t i) { words_[i].store(idle_state); }

probe_board::meeting probe_board::check(std::size_t i, const std::function<bool(std::size_t)>& local_address_is) {
    const auto own = words_[i].load();
    if (state_of(own) == met_state) return meeting::met;
    bool waiting = false;
    for (std::size_t j = 0; j < size_; ++j) {
        if (j == i) continue;
        auto w = words_[j].load();
        // A partner connects to our local port from our remote one, at our local address.
        if (state_of(w) == idle_state || port_of(w) != source_of(own) || !local_address_is(target_of(w))) continue;
        if (state_of(w) == connecting_state) {
            waiting = true;  // its connect may be the other half of ours: wait for it
        } else if (source_of(w) == port_of(own)) {
            // Connected (or already met) from our remote port: the other half. Mark it so
            // it knows even if its own look came too early to see us.
            if (state_of(w) == met_state || words_[j].compare_exchange_strong(w, with_state(w, met_state)))
                return meeting::met;
            waiting = true;  // it changed meanwhile: look again
        }
    }
    // A partner that found us first marked us before it could move on.
    if (state_of(words_[i].load()) == met_state) return meeting::met;
    return waiting ? meeting::undecided : meeting::none;
}

}  // namespace netlab::scan
