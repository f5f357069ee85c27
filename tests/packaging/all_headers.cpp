// Compiles the umbrella header (every CPU-side public header) in one translation unit.
#include <ipo/ipo.hpp>
