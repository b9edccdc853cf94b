#include <winsock2.h>
#include <mswsock.h>
#include <windows.h>

#include <asio/async_result.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/windows/overlapped_ptr.hpp>

#include "common/socket_record.hpp"
#include "netlab/platform/send_file.hpp"
#include "netlab/platform/trace.hpp"

namespace netlab::platform {
namespace {

// One TransmitFile per call, and it completes only when all its bytes are sent: a small
// piece, so that a slow reader's progress is seen often (the caller's send timeout runs
// between pieces).
constexpr std::uint64_t max_chunk = 256 * 1024;

// One overlapped TransmitFile call, completed through the socket's IOCP (asio's
// transmit_file example shows the pattern).
template <class Token>
auto async_transmit(asio::ip::tcp::socket& socket, HANDLE file, std::uint64_t offset, DWORD count, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, std::size_t)>(
        [&socket, file, offset, count](auto handler) {
            asio::windows::overlapped_ptr op(socket.get_executor(), std::move(handler));
            op.get()->Offset = static_cast<DWORD>(offset & 0xFFFFFFFFu);
            op.get()->OffsetHigh = static_cast<DWORD>(offset >> 32);
            const BOOL ok = ::TransmitFile(socket.native_handle(), file, count, 0, op.get(), nullptr, 0);
            const DWORD err = ::GetLastError();
            if (!ok && err != ERROR_IO_PENDING) {
                op.complete(std::error_code(static_cast<int>(err), asio::system_category()), 0);
            } else {
                op.release();  // the completion arrives through the IOCP
            }
        },
        token);
}

}  // namespace

asio::awaitable<send_file_result> send_file(asio::ip::tcp::socket& socket, const read_only_file& file,
                                            std::uint64_t offset, std::uint64_t count,
                                            std::chrono::milliseconds /*patience*/) {
    send_file_result result;
    std::error_code ec;
    HANDLE h = reinterpret_cast<HANDLE>(file.handle());
    const DWORD chunk = static_cast<DWORD>(count < max_chunk ? count : max_chunk);
    const std::size_t n =
        co_await async_transmit(socket, h, offset, chunk, asio::redirect_error(asio::use_awaitable, ec));
    result.bytes = n;
    // Past the end of a file that shrank, TransmitFile sends what there is and succeeds.
    result.file_ended = !ec && n < chunk;
    result.error = ec;
    if (tracing_enabled()) {
        auto r = detail::socket_record(trace_step::sendfile, socket, ec);
        r.bytes = static_cast<std::int64_t>(result.bytes);
        r.detail = "TransmitFile";
        emit_trace(r);
    }
    co_return result;
}

}  // namespace netlab::platform
