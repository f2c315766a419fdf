#pragma once

// mvctl's exit codes. Scripts rely on them: never renumber, only add.
namespace mv::cli {

enum ExitCode : int {
  kSuccess = 0,
  kApiRefused = 1,     // the API answered 4xx (other than 401, 403, 404): bad input, conflict
  kUsage = 2,          // wrong command line; nothing was sent
  kUnavailable = 3,    // no answer from the API, a 5xx, or an answer mvctl cannot read
  kNotFound = 4,       // 404
  kNotAuthorised = 5,  // 401 or 403: missing, revoked or under-privileged key
};

// The exit code for an HTTP status the API answered with (0: no answer at all).
int exit_code_for_status(int http_status);

}  // namespace mv::cli
