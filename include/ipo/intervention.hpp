// ipo/intervention.hpp: corrective intervention and preference pairs.
#pragma once

#include "ipo/intervention/csr.hpp"
#include "ipo/intervention/detector.hpp"
#include "ipo/intervention/evaluation.hpp"
#include "ipo/intervention/generator.hpp"
#include "ipo/intervention/judge.hpp"
#include "ipo/intervention/pattern_detector.hpp"
#include "ipo/intervention/pipeline.hpp"
#include "ipo/intervention/rounds.hpp"
#include "ipo/intervention/substitution.hpp"
#include "ipo/intervention/triggers.hpp"
#include "ipo/pairs/labels.hpp"
#include "ipo/pairs/pair.hpp"
