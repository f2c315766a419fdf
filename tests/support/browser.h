#pragma once

#include <string>

namespace mv::test {

// Debian's Chromium, headless, with a fresh profile for every call and no network beyond what
// the page itself fetches (the flags issue 5 asks for). Both run the page's scripts for up to
// 5 s of virtual time before they read the result.

// The DOM after the page's scripts ran.
std::string chromium_dom(const std::string& url);
// A PNG of the page at 1400x1000 written to `png_path`.
void chromium_screenshot(const std::string& url, const std::string& png_path);

// Where tests leave files for people to look at (screenshots): <build>/test-artifacts.
std::string test_artifacts_dir();

}  // namespace mv::test
