#include "cli/exit_codes.h"

namespace mv::cli {

int exit_code_for_status(int http_status) {
  if (http_status >= 200 && http_status < 300) return kSuccess;
  if (http_status == 401 || http_status == 403) return kNotAuthorised;
  if (http_status == 404) return kNotFound;
  if (http_status >= 400 && http_status < 500) return kApiRefused;
  return kUnavailable;
}

}  // namespace mv::cli
