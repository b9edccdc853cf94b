#include <doctest/doctest.h>

#include "cli/suggest.hpp"

using netlab::cli::close_matches;
using netlab::cli::did_you_mean;
using netlab::cli::edit_distance;

TEST_CASE("edit distance counts a swap of neighbours as one step") {
    CHECK(edit_distance("output", "output") == 0);
    CHECK(edit_distance("outptu", "output") == 1);
    CHECK(edit_distance("prot", "port") == 1);
    CHECK(edit_distance("jsn", "json") == 1);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("the mistakes users make are answered with the name they meant") {
    const std::vector<std::string> subs{"serve-http", "get", "udp-send", "udp-listen", "help"};
    CHECK(close_matches("serve-htp", subs) == std::vector<std::string>{"serve-http"});
    CHECK(close_matches("gett", subs) == std::vector<std::string>{"get"});
    const std::vector<std::string> opts{"--output", "--port", "--json", "--trace", "-o", "-O", "-p"};
    CHECK(close_matches("--outptu", opts) == std::vector<std::string>{"--output"});
    CHECK(close_matches("--prot", opts) == std::vector<std::string>{"--port"});
    CHECK(close_matches("--jsn", opts) == std::vector<std::string>{"--json"});
}

TEST_CASE("an abbreviation of exactly one name is suggested") {
    const std::vector<std::string> opts{"--output", "--max-redirs", "--max-time"};
    CHECK(close_matches("--out", opts) == std::vector<std::string>{"--output"});
    CHECK(close_matches("--max", opts).empty());  // two names start so: no guess
}

TEST_CASE("one-letter options are suggested only for a change of case") {
    const std::vector<std::string> opts{"-o", "-O", "-i", "-I", "-s"};
    CHECK(close_matches("-u", opts).empty());
    CHECK(close_matches("-S", opts) == std::vector<std::string>{"-s"});
}

TEST_CASE("nothing far away is suggested") {
    CHECK(did_you_mean("bogus", {"serve-http", "get"}).empty());
    CHECK(did_you_mean("--no-such-option", {"--json", "--trace"}).empty());
}

TEST_CASE("ties are all offered") {
    CHECK(did_you_mean("gat", {"get", "got", "serve-http"}) == "; did you mean 'get' or 'got'?");
    CHECK(did_you_mean("--prot", {"--port"}) == "; did you mean '--port'?");
}
