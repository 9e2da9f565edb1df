// What a shell command prints on its standard output: for tests that read a file back with the
// tool made for it (unzip, pdftotext, sqlite3).
#pragma once

#include <stdio.h>

#include <stdexcept>
#include <string>

namespace samen::test {

inline std::string output_of(const std::string& command) {
    FILE* p = popen(command.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run " + command);
    std::string out;
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, p)) > 0;) out.append(buffer, n);
    pclose(p);
    return out;
}

}  // namespace samen::test
