// Dates and times as seconds since 1970-01-01T00:00:00 UTC (proleptic Gregorian calendar).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace finai {

// Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS" (a 'T' may replace the space, a trailing
// 'Z' is accepted; fractional seconds are truncated). Returns nullopt for anything else, including
// impossible dates such as 2023-02-30.
std::optional<std::int64_t> ParseDateTime(std::string_view text);
// Why text that ParseDateTime rejects is not a date: "no such day (2023-02 has 28 days)" when it has the
// form of one, "not a date" otherwise.
std::string DescribeBadDate(std::string_view text);
// "YYYY-MM-DD" at midnight, otherwise "YYYY-MM-DDTHH:MM:SS".
std::string FormatDateTime(std::int64_t seconds);
// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm), and the inverse.
std::int64_t DaysFromCivil(std::int64_t year, unsigned month, unsigned day);
struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};
CivilDate CivilFromDays(std::int64_t days);
// The civil date of a time in seconds since the epoch (UTC).
CivilDate CivilFromSeconds(std::int64_t seconds);

}  // namespace finai
