#include <doctest/doctest.h>

#include "scan/banner.hpp"

using netlab::scan::banner_complete;

TEST_CASE("a banner is whole once its first line ends") {
    CHECK_FALSE(banner_complete(""));
    CHECK_FALSE(banner_complete("S"));
    CHECK_FALSE(banner_complete("SSH-2.0-OpenSSH_9.2\r"));
    CHECK(banner_complete("SSH-2.0-OpenSSH_9.2\r\n"));
    CHECK(banner_complete("+OK POP3 ready\n"));
    CHECK(banner_complete("220 mail.example ESMTP\r\n"));
    CHECK(banner_complete("\n"));
}

TEST_CASE("a multi-line SMTP or FTP reply is whole at its last line") {
    CHECK_FALSE(banner_complete("220-mail.example ESMTP\r\n"));
    CHECK_FALSE(banner_complete("220-mail.example ESMTP\r\n220-no spam\r\n"));
    CHECK_FALSE(banner_complete("220-mail.example ESMTP\r\n220 rea"));
    CHECK(banner_complete("220-mail.example ESMTP\r\n220-no spam\r\n220 ready\r\n"));
    CHECK(banner_complete("220-a\r\n220\r\n"));
    CHECK(banner_complete("220-a\n220\n"));
    // FTP: inner lines may be any text, even another code; only "220 " ends it.
    CHECK_FALSE(banner_complete("220-Welcome\r\n  rules follow\r\n230 not the end\r\n"));
    CHECK(banner_complete("220-Welcome\r\n  rules follow\r\n220 ready\r\n"));
}
