#include "scan/wait.hpp"

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <algorithm>
#include <map>

#include "net/stop_signals.hpp"
#include "scan/rtt.hpp"

namespace netlab::scan {
namespace {

using clock = std::chrono::steady_clock;

// Ctrl-C and SIGTERM caught for the whole wait. Each scan catches them too, but only
// while it runs; between rounds (the pause, a name lookup) nothing else would, and a
// signal there would meet the default action and end the process without a word.
class stop_catcher {
public:
    stop_catcher() : timer_(ctx_), signals_(ctx_.get_executor(), [this](int) {
        signalled_ = true;
        timer_.cancel();
    }) {}

    // True once a signal has arrived (now or during a scan).
    bool signalled() {
        ctx_.poll();
        return signalled_;
    }

    // Sleeps, or returns true at once when a stop signal arrives.
    bool sleep(clock::duration d) {
        if (signalled()) return true;
        bool woke = false;
        timer_.expires_after(d);
        timer_.async_wait([&woke](const std::error_code&) { woke = true; });
        while (!woke) ctx_.run_one();
        return signalled_;
    }

private:
    asio::io_context ctx_;
    asio::steady_timer timer_;
    bool signalled_ = false;
    net::stop_signals signals_;
};

}  // namespace

wait_outcome wait_until_open(const std::vector<target_spec>& specs, ip_family family,
                             const std::vector<std::uint16_t>& ports, const scan_options& options,
                             std::chrono::milliseconds patience,
                             const std::function<void(const port_result&, const std::vector<scan_target>&, double)>& on_open) {
    const auto start = clock::now();
    const auto deadline = start + patience;
    wait_outcome out;
    std::vector<bool> is_name;
    for (const auto& spec : specs) {
        if (spec.hostname) {
            out.targets.push_back({spec.text, ""});
            is_name.push_back(true);
        }
        for (const auto& a : spec.addresses) {
            out.targets.push_back({spec.text, a});
            is_name.push_back(false);
        }
    }
    out.resolve_errors.resize(out.targets.size());
    std::vector<std::vector<std::uint16_t>> pending(out.targets.size(), ports);
    std::map<std::pair<std::size_t, std::uint16_t>, port_result> last;
    stop_catcher stop;

    while (true) {
        ++out.rounds;
        for (std::size_t t = 0; t < out.targets.size() && !out.interrupted; ++t) {
            auto& target = out.targets[t];
            if (pending[t].empty()) continue;
            if (is_name[t] && target.address.empty()) {
                auto r = resolve_name(target.name, family);
                out.resolve_errors[t] = r.error;
                out.interrupted = stop.signalled();
                if (out.interrupted) break;
                if (r.error) continue;
                target.address = r.address;
            }
            scan_options o = options;
            o.retries = 0;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
            const auto cap = std::max(left, std::chrono::milliseconds(1));
            if (o.timeout.count() > 0) o.timeout = std::min(o.timeout, cap);
            else if (cap < std::chrono::duration_cast<std::chrono::milliseconds>(rtt_estimator::initial_timeout)) o.timeout = cap;
            scan_events ev;
            ev.on_result = [&](const port_result& r) {
                port_result copy = r;
                copy.target = t;
                if (copy.state == port_state::open) {
                    std::erase(pending[t], copy.port);
                    last.erase({t, copy.port});
                    if (on_open) on_open(copy, out.targets, std::chrono::duration<double>(clock::now() - start).count());
                } else {
                    last[{t, copy.port}] = copy;
                }
            };
            const auto s = run_scan({target}, pending[t], o, ev);
            out.interrupted = s.interrupted || stop.signalled();
            if (s.error) {
                out.error = s.error;
                out.error_where = s.error_where;
                break;
            }
        }
        const bool done = std::all_of(pending.begin(), pending.end(), [](const auto& p) { return p.empty(); });
        if (done) out.all_open = true;
        if (done || out.interrupted || out.error || clock::now() >= deadline) break;
        out.interrupted = stop.sleep(std::min<clock::duration>(wait_interval, deadline - clock::now()));
        if (out.interrupted) break;
    }
    for (std::size_t t = 0; t < pending.size(); ++t)
        for (auto p : pending[t]) {
            const auto it = last.find({t, p});
            if (it != last.end()) {
                out.not_open.push_back(it->second);
            } else {
                port_result r;  // never probed (the name never resolved)
                r.target = t;
                r.port = p;
                r.reason = platform::classify(out.resolve_errors[t]);
                out.not_open.push_back(r);
            }
        }
    out.waited_s = std::chrono::duration<double>(clock::now() - start).count();
    return out;
}

}  // namespace netlab::scan
