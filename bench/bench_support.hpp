#pragma once
// What every benchmark program of bench/ shares (CONVENTIONS.md "Benchmarks"): crucible and the
// raw C client library run the same workload in one process, repetitions interleaved at random,
// and at the end the ratio crucible/raw of the fastest repetitions is printed per workload, with
// its target.
//
// A program registers its benchmark functions and its ratio pairs and calls bench_main():
//
//   return crucible::bench::bench_main(argc, argv, "postgresql_bench", setup, teardown,
//                                      {{"insert/raw", insert_raw}, …},
//                                      {{"insert 100000 rows", "insert/crucible", "insert/raw",
//                                        1.10}, …});
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

namespace crucible::bench {

/// Sums over the rows one side wrote or read (ids, quantities, the text's bytes, the count):
/// equal checksums mean both sides did the same work, and the sums keep the compiler from
/// dropping the reads.
struct Checksum {
  std::int64_t ids{0};
  std::int64_t quantities{0};
  std::int64_t text_bytes{0};
  std::int64_t rows{0};
  friend bool operator==(const Checksum&, const Checksum&) = default;
  void add(std::int64_t id, std::string_view name, std::string_view description,
           std::int64_t quantity) {
    ids += id;
    quantities += quantity;
    text_bytes += static_cast<std::int64_t>(name.size() + description.size());
    ++rows;
  }
  /// "N rows, ids …, quantities …, text bytes …", for messages.
  std::string to_string() const {
    return std::to_string(rows) + " rows, ids " + std::to_string(ids) + ", quantities " +
           std::to_string(quantities) + ", text bytes " + std::to_string(text_bytes);
  }
};

/// Runs body, turning an exception into SkipWithError(what()) so that one failing workload is
/// reported (and counted as a failure at the end) instead of ending the program.
template <class F>
void guarded(benchmark::State& state, F&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

/// One line of the ratio table: crucible's benchmark against the raw one, the target ratio
/// (0: none, the line is informative) and a target for crucible's own fastest time in
/// milliseconds (0: none).
struct RatioPair {
  std::string label;
  std::string crucible;
  std::string raw;
  double target{0};
  double max_crucible_ms{0};
};

/// The console table as usual (in colour on a terminal), and each benchmark's per-repetition
/// wall-clock times kept for the ratios.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(std::vector<RatioPair> pairs);

  void ReportRuns(const std::vector<Run>& runs) override;

  /// Prints "<label>: crucible/raw = r" per pair, r being the ratio of the fastest repetitions'
  /// times (on a shared machine the fastest repetition is the one least disturbed by others;
  /// medians and CPU times were seen to swing by 2x here), with "target <= t: met/MISSED",
  /// and crucible's fastest time where the pair has a time target.
  /// Returns false when a benchmark failed or a pair was not measured.
  bool print_ratios();

  /// The fastest repetition of benchmark name, in milliseconds; 0 when it was not measured.
  double fastest_ms(const std::string& name) const;

 private:
  std::vector<RatioPair> pairs_;
  std::map<std::string, std::vector<double>> times_;
  std::vector<std::string> failed_;
};

/// A benchmark to register: its name ("<workload>/<side>") and function.
using Registration = std::pair<std::string, void (*)(benchmark::State&)>;

/// The main program of a benchmark: parses Google Benchmark's flags after prepending the
/// defaults (10 repetitions of at least 0.2 s, interleaved at random; the command line
/// overrides them), calls setup (an exception there ends the program with status 1 and its
/// message), registers benchmarks in milliseconds of real time, runs them, prints the ratios,
/// calls teardown and returns 0 when every benchmark ran and every pair was measured, else 1
/// (2 for an unrecognized flag).
int bench_main(int argc, char** argv, const char* program, const std::function<void()>& setup,
               const std::function<void()>& teardown, const std::vector<Registration>& benchmarks,
               std::vector<RatioPair> pairs);

}  // namespace crucible::bench
