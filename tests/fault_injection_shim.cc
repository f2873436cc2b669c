// Test support: a fault injected into rtccd from outside its code, for the poison-message tests
// (issue 9). Preloaded with LD_PRELOAD, it stands in for libmagic's magic_buffer, which rtccd calls
// on every attachment it reads, and fails the way a library could on hostile input when the
// attachment's bytes start with a marker:
//   "RTCC-FAULT:SIGSEGV" a segmentation fault,   "RTCC-FAULT:ABORT" abort(),
//   "RTCC-FAULT:THROW"   a C++ exception (std::runtime_error "injected fault").
// Anything else goes to the real libmagic.
#include <dlfcn.h>
#include <magic.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>

extern "C" const char* magic_buffer(magic_t cookie, const void* buffer, size_t length) {
  std::string_view bytes(static_cast<const char*>(buffer), length);
  if (bytes.starts_with("RTCC-FAULT:SIGSEGV")) std::raise(SIGSEGV);
  if (bytes.starts_with("RTCC-FAULT:ABORT")) std::abort();
  if (bytes.starts_with("RTCC-FAULT:THROW")) throw std::runtime_error("injected fault");
  using Real = const char* (*)(magic_t, const void*, size_t);
  static Real real = reinterpret_cast<Real>(::dlsym(RTLD_NEXT, "magic_buffer"));
  return real(cookie, buffer, length);
}
