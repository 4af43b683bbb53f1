#include "notify/webhook.h"

#include <curl/curl.h>

#include <chrono>
#include <thread>

namespace clawsim {

namespace {

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

// curl_global_init once per process, before any thread uses libcurl.
void init_curl() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

}  // namespace

WebhookResult post_webhook(const std::string& url, const std::string& json_body,
                           const WebhookSettings& settings) {
  init_curl();
  WebhookResult result;
  DurationMs backoff = settings.backoff_ms;
  for (int attempt = 1; attempt <= settings.attempts; ++attempt) {
    result.attempts = attempt;
    CURL* curl = curl_easy_init();
    if (!curl) {
      result.error = "libcurl could not start";
      return result;
    }
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(json_body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeout_ms));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    const CURLcode code = curl_easy_perform(curl);
    result.status = 0;
    if (code == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (code == CURLE_OK && result.status >= 200 && result.status < 300) {
      result.delivered = true;
      result.error.clear();
      return result;
    }
    result.error = code != CURLE_OK ? curl_easy_strerror(code) : "HTTP " + std::to_string(result.status);
    if (code == CURLE_OK && result.status >= 400 && result.status < 500) return result;  // not worth a retry
    if (attempt < settings.attempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
      backoff *= 2;
    }
  }
  return result;
}

std::string webhook_shown(const std::string& url) {
  const auto scheme = url.find("://");
  const std::size_t host = scheme == std::string::npos ? 0 : scheme + 3;
  const auto end = url.find_first_of("/?#", host);
  std::string authority = url.substr(host, end == std::string::npos ? std::string::npos : end - host);
  const auto at = authority.rfind('@');  // user:password@host
  if (at != std::string::npos) authority = authority.substr(at + 1);
  return url.substr(0, host) + authority + (end == std::string::npos ? "" : "/...");
}

}  // namespace clawsim
