#include "finai/data/datetime.hpp"

#include <fmt/format.h>

namespace finai {

std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

CivilDate CivilFromSeconds(std::int64_t seconds) {
  const std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  return CivilFromDays(days);
}

namespace {
bool Digits(std::string_view s, std::size_t pos, std::size_t count, unsigned& out) {
  if (pos + count > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

unsigned DaysInMonth(unsigned year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}
}  // namespace

std::optional<std::int64_t> ParseDateTime(std::string_view s) {
  unsigned year, month, day, hour = 0, minute = 0, second = 0;
  if (s.size() < 10 || !Digits(s, 0, 4, year) || s[4] != '-' || !Digits(s, 5, 2, month) || s[7] != '-' ||
      !Digits(s, 8, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  std::size_t pos = 10;
  if (pos < s.size()) {
    if (s[pos] != ' ' && s[pos] != 'T') return std::nullopt;
    if (!Digits(s, pos + 1, 2, hour) || pos + 3 >= s.size() || s[pos + 3] != ':' || !Digits(s, pos + 4, 2, minute)) {
      return std::nullopt;
    }
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, second)) return std::nullopt;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
      }
    }
    if (pos < s.size() && s[pos] == 'Z') ++pos;
    if (pos != s.size() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  }
  return DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

std::string DescribeBadDate(std::string_view s) {
  unsigned year, month, day;
  if (s.size() >= 10 && Digits(s, 0, 4, year) && s[4] == '-' && Digits(s, 5, 2, month) && s[7] == '-' &&
      Digits(s, 8, 2, day)) {
    if (month < 1 || month > 12) return fmt::format("no such month ({:02})", month);
    if (day < 1 || day > DaysInMonth(year, month)) {
      return fmt::format("no such day ({:04}-{:02} has {} days)", year, month, DaysInMonth(year, month));
    }
  }
  return "not a date";
}

std::string FormatDateTime(std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  const CivilDate c = CivilFromDays(days);
  if (rest == 0) return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day, rest / 3600, rest % 3600 / 60,
                     rest % 60);
}

}  // namespace finai
