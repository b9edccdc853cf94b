#include <doctest/doctest.h>

#include "http/mime_types.hpp"

using netlab::http::mime_type_for;

TEST_CASE("common web types are recognised") {
    CHECK(mime_type_for("index.html") == "text/html; charset=utf-8");
    CHECK(mime_type_for("style.css") == "text/css; charset=utf-8");
    CHECK(mime_type_for("app.js") == "text/javascript; charset=utf-8");
    CHECK(mime_type_for("mod.mjs") == "text/javascript; charset=utf-8");
    CHECK(mime_type_for("data.json") == "application/json");
    CHECK(mime_type_for("prog.wasm") == "application/wasm");
    CHECK(mime_type_for("doc.pdf") == "application/pdf");
}

TEST_CASE("images, audio, video, fonts and archives are recognised") {
    CHECK(mime_type_for("a.png") == "image/png");
    CHECK(mime_type_for("a.jpg") == "image/jpeg");
    CHECK(mime_type_for("a.jpeg") == "image/jpeg");
    CHECK(mime_type_for("a.svg") == "image/svg+xml");
    CHECK(mime_type_for("a.webp") == "image/webp");
    CHECK(mime_type_for("a.mp3") == "audio/mpeg");
    CHECK(mime_type_for("a.mp4") == "video/mp4");
    CHECK(mime_type_for("a.webm") == "video/webm");
    CHECK(mime_type_for("a.woff2") == "font/woff2");
    CHECK(mime_type_for("a.zip") == "application/zip");
    CHECK(mime_type_for("a.tar.gz") == "application/gzip");
}

TEST_CASE("text types carry charset utf-8") {
    for (const char* f : {"a.txt", "a.md", "a.csv", "a.html", "a.css", "a.js", "a.xml"}) {
        CAPTURE(f);
        CHECK(mime_type_for(f).find("; charset=utf-8") != std::string_view::npos);
    }
}

TEST_CASE("extension match is case-insensitive") {
    CHECK(mime_type_for("INDEX.HTML") == "text/html; charset=utf-8");
    CHECK(mime_type_for("Photo.JpG") == "image/jpeg");
}

TEST_CASE("unknown or missing extension gives application/octet-stream") {
    CHECK(mime_type_for("binary") == "application/octet-stream");
    CHECK(mime_type_for("file.unknownext") == "application/octet-stream");
    CHECK(mime_type_for("") == "application/octet-stream");
    CHECK(mime_type_for("trailing.") == "application/octet-stream");
    CHECK(mime_type_for(".") == "application/octet-stream");
}

TEST_CASE("dotfiles without a further extension are not typed by their name") {
    CHECK(mime_type_for(".html") == "application/octet-stream");
    CHECK(mime_type_for(".bashrc") == "application/octet-stream");
    CHECK(mime_type_for(".config.json") == "application/json");
}

TEST_CASE("only the last path component is examined") {
    CHECK(mime_type_for("dir.html/readme") == "application/octet-stream");
    CHECK(mime_type_for("a/b/c.css") == "text/css; charset=utf-8");
    CHECK(mime_type_for("a\\b.png") == "image/png");
    CHECK(mime_type_for("x/.png") == "application/octet-stream");
}

TEST_CASE("the last extension wins") {
    CHECK(mime_type_for("archive.html.gz") == "application/gzip");
    CHECK(mime_type_for("archive.gz.html") == "text/html; charset=utf-8");
}
