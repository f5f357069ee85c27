// ipo/text.hpp: the data-side stages: trace splitting, UTF-8, steps and cues.
#pragma once

#include "ipo/core/ascii.hpp"
#include "ipo/core/byte_span.hpp"
#include "ipo/cues/cue_patterns.hpp"
#include "ipo/cues/default_lexicon.hpp"
#include "ipo/cues/lexicon.hpp"
#include "ipo/cues/matcher.hpp"
#include "ipo/cues/scorer.hpp"
#include "ipo/steps/segmenters.hpp"
#include "ipo/trace/split.hpp"
#include "ipo/trace/utf8.hpp"
