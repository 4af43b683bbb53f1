// Notifications: a JSON summary POSTed to a webhook (its `text` field is what Slack and
// Mattermost incoming webhooks show), through libcurl, with a timeout and bounded retries.
// A notification that fails is reported to the caller, who records it; it never blocks what a
// drill must still do (undo, verify). This is I/O: the pure core never includes it.
#pragma once

#include <string>

#include "model/time.h"

namespace clawsim {

struct WebhookSettings {
  DurationMs timeout_ms = 10'000;  // per attempt, connecting included
  int attempts = 3;                // bounded: 1 try + 2 retries
  DurationMs backoff_ms = 1'000;   // before the second attempt; doubled each time
};

struct WebhookResult {
  bool delivered = false;
  int attempts = 0;
  long status = 0;    // the last HTTP status (0: no answer)
  std::string error;  // why the last attempt failed ("" when delivered)
};

// POSTs `json_body` (Content-Type: application/json) to `url`. A 2xx answer is delivered; a 4xx
// is not retried (the request itself is wrong); a 5xx or a transport error is retried.
WebhookResult post_webhook(const std::string& url, const std::string& json_body,
                           const WebhookSettings& settings = {});

// The webhook as it may be shown: its scheme and host, never its path or query, which hold
// the secret of an incoming webhook ("https://chat.example/hooks/abc" -> "https://chat.example/...").
std::string webhook_shown(const std::string& url);

}  // namespace clawsim
