// ipo/loss.hpp: the preference-loss stage (objectives, row statistics, fused kernels).
#pragma once

#include "ipo/loss/fused_linear.hpp"
#include "ipo/loss/objectives.hpp"
#include "ipo/loss/options.hpp"
#include "ipo/loss/preference_loss.hpp"
#include "ipo/loss/row_stats.hpp"
