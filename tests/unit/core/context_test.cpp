#include "finai/core/context.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "finai/core/error.hpp"

namespace finai {
namespace {

TEST(Context, ThreadsDefaultToAllCoresAndRejectNegative) {
  Context ctx;
  EXPECT_EQ(ctx.threads(), 0);
  EXPECT_GE(ctx.EffectiveThreads(), 1);
  ctx.set_threads(3);
  EXPECT_EQ(ctx.EffectiveThreads(), 3);
  EXPECT_THROW(ctx.set_threads(-1), InvalidArgument);
}

TEST(Context, LogsOnlyAtOrAboveItsLevel) {
  std::vector<std::string> seen;
  Context ctx;
  ctx.set_log_sink([&](LogLevel, std::string_view m) { seen.emplace_back(m); });
  ctx.set_log_level(LogLevel::kWarning);
  ctx.Log(LogLevel::kInfo, "quiet");
  ctx.Log(LogLevel::kWarning, "loud");
  ctx.Log(LogLevel::kError, "louder");
  EXPECT_EQ(seen, (std::vector<std::string>{"loud", "louder"}));
  ctx.set_log_level(LogLevel::kSilent);
  ctx.Log(LogLevel::kError, "nothing");
  EXPECT_EQ(seen.size(), 2u);
}

TEST(Context, ParsesLogLevelsAndNamesTheBadOne) {
  EXPECT_EQ(ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("silent"), LogLevel::kSilent);
  try {
    ParseLogLevel("verbose");
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_STREQ(e.what(),
                 "option 'log-level': value 'verbose': unknown log level; expected one of debug, info, warning, "
                 "error, silent");
  }
}

TEST(Context, CancellationIsSharedAndThrowsCancelled) {
  auto token = std::make_shared<CancellationToken>();
  Context ctx;
  ctx.set_cancellation(token);
  const Context copy = ctx;
  EXPECT_NO_THROW(copy.ThrowIfCancelled());
  token->Cancel();
  EXPECT_TRUE(copy.IsCancelled());
  EXPECT_THROW(copy.ThrowIfCancelled(), Cancelled);
}

}  // namespace
}  // namespace finai
