#include "support/browser.h"

#include <filesystem>
#include <vector>

#include "support/process.h"

namespace mv::test {
namespace {

std::vector<std::string> chromium_command(const TempDir& profile) {
  return {"chromium",
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--user-data-dir=" + profile.path(),
          "--virtual-time-budget=5000"};
}

}  // namespace

std::string chromium_dom(const std::string& url) {
  TempDir profile;
  auto argv = chromium_command(profile);
  argv.push_back("--dump-dom");
  argv.push_back(url);
  return run_and_capture(argv);
}

void chromium_screenshot(const std::string& url, const std::string& png_path) {
  TempDir profile;
  auto argv = chromium_command(profile);
  argv.push_back("--window-size=1400,1000");
  argv.push_back("--screenshot=" + png_path);
  argv.push_back(url);
  run_and_capture(argv);
}

std::string test_artifacts_dir() {
  std::filesystem::create_directories(MV_TEST_ARTIFACTS_DIR);
  return MV_TEST_ARTIFACTS_DIR;
}

}  // namespace mv::test
