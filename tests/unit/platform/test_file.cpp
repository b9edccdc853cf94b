#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <utility>

#include "netlab/platform/file.hpp"

namespace fs = std::filesystem;
namespace pf = netlab::platform;

namespace {

// A file in the temporary folder, removed afterwards.
struct scratch_file {
    fs::path path = fs::temp_directory_path() / ("netlab-file-test-" + std::to_string(std::rand()));
    scratch_file() { std::ofstream(path) << "x"; }
    ~scratch_file() {
        std::error_code ec;
        fs::remove(path, ec);
    }
    // Sets the modification time to `seconds` since 1970 plus `nanos`.
    void set_mtime(std::int64_t seconds, std::int64_t nanos) const {
        const auto sys = std::chrono::sys_time<std::chrono::nanoseconds>(std::chrono::seconds(seconds) +
                                                                         std::chrono::nanoseconds(nanos));
        fs::last_write_time(path, std::chrono::file_clock::from_sys(sys));
    }
};

}  // namespace

// After 2262 (nanoseconds since 1970 overflow 64 bits) is checked end to end with touch
// (e2e_serve_files): libstdc++ 12's last_write_time cannot set times past 2038.
TEST_CASE("stat_path gives mtime as seconds and nanoseconds, before 1970 a negative second and a positive fraction") {
    scratch_file f;
    std::error_code ec;
    f.set_mtime(-100'000'000, 0);  // 1966-10-31 14:13:20
    auto st = pf::stat_path(f.path, ec);
    REQUIRE_FALSE(ec);
    CHECK(st.mtime_s == -100'000'000);
    CHECK(st.mtime_nsec == 0);

    // MinGW's last_write_time sets whole seconds only (rounded towards zero); where the
    // fraction is kept, it is a positive one after a negative second.
    for (const auto& when : {std::pair<std::int64_t, std::int64_t>{-100'000'000, 750'000'000},
                             {1'700'000'000, 123'456'700}}) {
        const std::int64_t seconds = when.first, nanos = when.second;  // clang 14 cannot capture bindings
        CAPTURE(seconds);
        f.set_mtime(seconds, nanos);
        st = pf::stat_path(f.path, ec);
        REQUIRE_FALSE(ec);
        const bool exact = st.mtime_s == seconds && st.mtime_nsec == nanos;
        const bool whole_seconds_only = st.mtime_nsec == 0 && st.mtime_s == seconds + (seconds < 0 ? 1 : 0);
        CHECK((exact || whole_seconds_only));
    }
}
