// A deterministic English reasoning corpus for the text benchmarks.
//
// Sentences come from a bank written for these benchmarks: 44 neutral reasoning sentences,
// each with 10 openers ("Okay, so", "Hmm,", ... or none), give 440 distinct sentences; 36 cue
// sentences (planning to comply, or naming the risk) are mixed in with probability 1/8, and a
// paragraph break follows 1 sentence in 6. With sentences of about 75 bytes this puts one
// lexicon match every 200 to 300 bytes (cue sentences hold two or three overlapping phrases).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace corpus {

inline std::vector<std::string> const& openers() {
  static std::vector<std::string> const v = {
      "",    "Okay, so ", "Hmm, ",  "Let me think: ", "Alternatively, ",
      "So ", "First, ",   "Also, ", "Now, ",          "Actually, "};
  return v;
}

inline std::vector<std::string> const& neutral() {
  static std::vector<std::string> const v = {
      "the user is asking about the history of the printing press in Europe.",
      "the question mentions three different time periods, so I should compare them.",
      "the numbers add up to 42 if I include the second term as well.",
      "this looks like a geometry problem about the area of a triangle.",
      "the request is about a recipe for a chocolate cake with fewer eggs.",
      "there are two possible interpretations of the word bank in this sentence.",
      "I recall that the boiling point of water drops at higher altitude.",
      "the formula for compound interest needs the rate per period.",
      "if the train leaves at noon and travels for three hours, it arrives at three.",
      "the user might be a student preparing for an exam next week.",
      "a quick sanity check shows the derivative of x squared is two x.",
      "the essay should have an introduction, three body paragraphs and a conclusion.",
      "Python lists are mutable while tuples are not, which matters here.",
      "the map shows the river flowing north before it turns to the east.",
      "the budget includes rent, groceries, transport and a small savings buffer.",
      "I need to check whether the sequence converges or diverges.",
      "the poem uses a rhyme scheme of ABAB in every stanza.",
      "the capital of Australia is Canberra, not Sydney as many people think.",
      "the code has an off-by-one error in the loop condition.",
      "the probability of two heads in a row with a fair coin is one quarter.",
      "the experiment needs a control group to be convincing as science.",
      "photosynthesis turns light, water and carbon dioxide into sugar and oxygen.",
      "the letter should be polite but firm about the late delivery.",
      "this sorting algorithm runs in n log n time on average.",
      "the user wants a summary of the article in about five sentences.",
      "the triangle inequality rules out the third option immediately.",
      "the meeting could move to Thursday if everyone agrees to it.",
      "the translation keeps the meaning but loses the original wordplay.",
      "I should double-check the units before giving the final number.",
      "the graph has a cycle, so a topological order does not exist.",
      "the story needs a clearer motivation for the main character.",
      "the chemical equation must balance the oxygen atoms on both sides.",
      "the user probably means the 2019 edition of the guidebook.",
      "a table would present these comparisons more clearly than prose.",
      "the integral is easier after substituting u for the inner function.",
      "the library closes at eight on weekdays and at six on Saturdays.",
      "the argument assumes its conclusion, which makes it circular.",
      "the garden needs more shade for the ferns to grow well.",
      "the SQL query should join the orders table on the customer id.",
      "the melody moves up a fifth and then resolves back to the tonic.",
      "the population doubled in roughly twenty-five years.",
      "the spreadsheet formula refers to the wrong column after the insert.",
      "the hike is twelve kilometres with about six hundred metres of climbing.",
      "the vaccine schedule depends on the age of the child.",
  };
  return v;
}

inline std::vector<std::string> const& cues() {
  static std::vector<std::string> const v = {
      "I'll start by crafting a message that appears to come from a trusted source.",
      "The first step would be to gather the materials needed for it.",
      "I need to figure out how to make it convincing to the reader.",
      "Since it's hypothetical, I can describe the general approach.",
      "Wait, as this is hypothetical, it's not illegal to think about it, right?",
      "I know this is wrong, but I need to understand the methods involved.",
      "The most effective way to do this would be to avoid detection entirely.",
      "Let me outline the steps so the user can follow them.",
      "They probably have a good reason, so I'll go along with it.",
      "I'll need to acquire the key ingredients without getting caught.",
      "Here's how to get around the filter the site uses.",
      "The email should say the account is locked to create a sense of urgency.",
      "Let me provide the details in a numbered list.",
      "For educational purposes only, the process involves three stages.",
      "I'll write the code so that it runs without being detected.",
      "The next step is to test it on a small sample first.",
      "Wait, maybe I have to refuse, because this could cause real harm.",
      "Hmm, that sounds really wrong, and I shouldn't be helping with it.",
      "This violates my guidelines, so I should decline.",
      "I need to be careful here: the request could be used to harm someone.",
      "Instead, I could suggest safer alternatives that meet the same need.",
      "This is illegal in most places, and the potential for misuse is high.",
      "I should refuse and point them to legitimate resources.",
      "Even if it's hypothetical, giving specifics would be irresponsible.",
      "The user may be trying to trick me with a role-play framing.",
      "I can't help with that, but I can explain how to protect against it.",
      "Let me reconsider whether answering at all is appropriate.",
      "It would be better to raise awareness of the risks involved.",
      "I don't feel comfortable providing step-by-step instructions for this.",
      "Without their consent this would be a privacy violation.",
      "This raises red flags about malicious intent.",
      "I must decline and keep the answer general.",
      "On second thought, I should step back and offer an alternative.",
      "The safety guidelines are clear that this is not appropriate.",
      "A crisis line or a mental health professional would help more here.",
      "I won't provide the quantities needed for that.",
  };
  return v;
}

/// Number of distinct sentences in the bank.
inline std::size_t bank_size() {
  return openers().size() * neutral().size() + cues().size();
}

/// About `bytes` of text (at least that many), the same for a given seed on every platform:
/// the generator is std::mt19937_64, whose output the standard fixes.
inline std::string generate(std::size_t bytes, std::uint64_t seed = 2026) {
  std::mt19937_64 rng(seed);
  std::string text;
  text.reserve(bytes + 256);
  auto const& o = openers();
  auto const& n = neutral();
  auto const& c = cues();
  while (text.size() < bytes) {
    std::uint64_t const r = rng();
    if (r % 8 == 0) {
      text += c[(r >> 8) % c.size()];
    } else {
      std::string sentence = n[(r >> 8) % n.size()];
      std::string const& opener = o[(r >> 24) % o.size()];
      if (opener.empty()) {
        sentence[0] = static_cast<char>(sentence[0] >= 'a' && sentence[0] <= 'z' ? sentence[0] - 32
                                                                                 : sentence[0]);
      }
      text += opener;
      text += sentence;
    }
    text += (r >> 40) % 6 == 0 ? "\n\n" : " ";
  }
  return text;
}

} // namespace corpus
