// sim/config_diff: where two documents differ, named by key path as messages name keys.
#include "sim/config_diff.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

using msim::Config;
using Lines = std::vector<std::string>;

namespace {

Lines differences(const std::string& a, const std::string& b, std::size_t limit = 3) {
  return msim::config_differences(Config::load_string(a, "a"), Config::load_string(b, "b"), limit);
}

const std::string kDoc = R"(name: demo
seed: 42
firms:
  - {name: Acme, budget: 1000, tags: [x, y]}
  - {name: Beta, budget: 5}
experiment: {sweep: {firms.Acme.budget: [1, 2]}}
)";

std::string edited(const std::string& from, const std::string& to) {
  std::string doc = kDoc;
  doc.replace(doc.find(from), from.size(), to);
  return doc;
}

}  // namespace

TEST_CASE("config_differences names each changed value by its key path", "[config]") {
  CHECK(differences(kDoc, kDoc).empty());
  CHECK(differences(kDoc, edited("budget: 1000", "budget: 1100")) ==
        Lines{"firms.Acme.budget: 1000 -> 1100"});
  CHECK(differences(kDoc, edited("seed: 42", "seed: 43") + "steps: 10\n") ==
        Lines{"seed: 42 -> 43", "steps: (absent) -> 10"});
  CHECK(differences(kDoc, edited("tags: [x, y]", "tags: [x]")) ==
        Lines{"firms.Acme.tags: (2 items) -> (1 item)"});
  CHECK(differences(kDoc, edited("tags: [x, y]", "tags: {x: 1}")) ==
        Lines{"firms.Acme.tags: (2 items) -> (a map)"});
  // A key that is itself a key path, as a sweep's are.
  CHECK(differences(kDoc, edited("[1, 2]", "[1, 3]")) ==
        Lines{"experiment.sweep.firms.Acme.budget.1: 2 -> 3"});
  // Values that read alike are alike; a list's items in another order are named as such.
  CHECK(differences(kDoc, edited("budget: 1000", "budget: 1e3")).empty());
  CHECK(differences("a: true\n", "a: True\n").empty());
  CHECK(differences("a: yes\n", "a: false\n") == Lines{"a: yes -> false"});
  CHECK(differences(kDoc, edited("{name: Acme, budget: 1000, tags: [x, y]}\n  - {name: Beta, "
                                 "budget: 5}",
                                 "{name: Beta, budget: 5}\n  - {name: Acme, budget: 1000, "
                                 "tags: [x, y]}")) ==
        Lines{"firms.0: item Acme -> item Beta", "firms.1: item Beta -> item Acme"});
  // A long value differs past what is shown: still a difference.
  const std::string long_text(80, 'a');
  CHECK(differences("d: " + long_text + "\n", "d: " + long_text + "b\n").size() == 1);
  // At most `limit`, in document order.
  const std::string many =
      edited("seed: 42", "seed: 1").replace(0, 10, "name: other") + "steps: 10\n";
  CHECK(differences(kDoc, many, 2).size() == 2);
  CHECK(differences(kDoc, many, 2).front() == "name: demo -> other");
}
