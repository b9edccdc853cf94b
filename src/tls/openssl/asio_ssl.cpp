// asio::ssl's implementation, compiled once here (ASIO_SEPARATE_COMPILATION) and only in
// builds with OpenSSL; platform/asio/asio_impl.cpp holds the rest of asio.
#include <asio/ssl/impl/src.hpp>
