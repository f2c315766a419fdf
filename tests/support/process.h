#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace mv::test {

// A child process the test owns: started with its output in a log file, killed when dropped.
class ChildProcess {
 public:
  ChildProcess() = default;
  // `own_group`: the child leads a process group of its own, so kill_group() reaches every
  // process it forks (Kamailio's workers outlive a SIGKILLed main process).
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path,
               bool own_group = false);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  bool running();
  // Sends `signal` and waits for the exit; SIGKILL after `grace`. Returns the wait status.
  int stop(int signal, std::chrono::milliseconds grace = std::chrono::seconds(5));
  // Sends `signal` to the child's whole process group (own_group only), reaps the child and
  // waits (up to 10 s) until no process of the group is left.
  void kill_group(int signal);
  // Waits for the process to end by itself; kills it after `limit`. Returns its exit code, or
  // -1 when it had to be killed.
  int wait_exit(std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
};

// Runs a command to completion and returns its standard output; throws on a non-zero exit.
std::string run_and_capture(const std::vector<std::string>& argv);

// A port on 127.0.0.1, free for TCP and UDP, outside the kernel's ephemeral range, and reserved
// against other test processes until this one exits: a listener may stop and start on it again.
int reserve_port();
// True when some process has bound UDP `port` on 127.0.0.1.
bool udp_port_bound(int port);

// A fresh directory under /tmp, removed with its contents when dropped.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Polls `ready` every 20 ms until it is true or `limit` passes.
bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds limit);

}  // namespace mv::test
