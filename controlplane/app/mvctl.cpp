// mvctl: wiring only. Parsing, requests and output live in src/cli (unit-tested); this file
// reads the environment and makes the HTTP call.
#include <cstdlib>
#include <iostream>

#include "cli/arguments.h"
#include "cli/run.h"
#include "http/cpprest_api_transport.h"

#if defined(__SANITIZE_ADDRESS__)
// After a failed connection cpprestsdk leaves closing the response stream to its thread pool,
// which process exit stops first: a leak inside the library that LeakSanitizer would otherwise
// report (exit 1) in sanitizer builds, at random.
extern "C" const char* __lsan_default_suppressions() { return "leak:libcpprest.so\n"; }
#endif

int main(int argc, char** argv) {
  using namespace mv;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = cli::parse_arguments(args, [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  });
  if (const auto* early = std::get_if<cli::EarlyExit>(&parsed)) {
    std::cout << early->out;
    std::cerr << early->err;
    return early->exit_code;
  }
  const auto& invocation = std::get<cli::Invocation>(parsed);
  http::CpprestApiTransport transport(invocation.api_url, invocation.api_key, invocation.timeout);
  return cli::execute(invocation, transport, std::cout, std::cerr);
}
