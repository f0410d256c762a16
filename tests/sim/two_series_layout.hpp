#pragma once
/// The recording layout the BackgroundRecorder tests write through: two scalar series, /a and
/// /b, and one table, /log, of one integer column, id.
#include "sim/recorder.hpp"

namespace msim::test {

inline RecordingLayout two_series_layout() {
  RecordingLayout l;
  l.series = {{"/a", {}, "items", "a"}, {"/b", {}, "items", "b"}};
  l.tables = {{"/log", {{"id", true, 0, "", "id"}}}};
  return l;
}

}  // namespace msim::test
