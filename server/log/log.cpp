#include "log/log.hpp"

#include <cstdio>
#include <string>

namespace samen {

void log_line(std::string_view line) {
    std::string text(line);
    text += '\n';
    std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace samen
