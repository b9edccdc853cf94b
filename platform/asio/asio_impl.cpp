// The one translation unit that holds asio's implementation (ASIO_SEPARATE_COMPILATION);
// every other file includes asio's headers as declarations only.
#include <asio/impl/src.hpp>
