// "Did you mean ...?": the closest of a few known names to a misspelt one. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace clawsim {

// The candidate nearest to `word` by edit distance (Levenshtein), when it is near enough to be
// a typo: at most 2 edits, and fewer than half the word's length. "" otherwise.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace clawsim
