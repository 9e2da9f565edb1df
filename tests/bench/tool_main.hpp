// The main() of the benchmark tools: `--help`, the options, and what a failure prints: usage
// errors exit 2 with the usage, failures 1.
#pragma once

#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace samen::bench {

/// `parse` turns the arguments into options (throwing std::invalid_argument); `run` returns the
/// exit code.
template <class Parse, class Run>
int tool_main(const char* name, const char* usage, int argc, char** argv, Parse parse, Run run) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::cout << usage;
        return 0;
    }
    decltype(parse(args)) options;
    try {
        options = parse(args);
    } catch (const std::invalid_argument& e) {
        std::cerr << name << ": " << e.what() << "\n\n" << usage;
        return 2;
    }
    try {
        return run(options);
    } catch (const std::exception& e) {
        std::cerr << name << ": " << e.what() << std::endl;
        return 1;
    }
}

}  // namespace samen::bench
