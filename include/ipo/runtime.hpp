// ipo/runtime.hpp: reasoning followed while it is decoded, and corrected in place.
#pragma once

#include "ipo/runtime/guard.hpp"
#include "ipo/runtime/monitor.hpp"
