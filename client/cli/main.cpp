#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return samen::cli::run(
        args, {std::cin, std::cout, std::cerr, samen::cli::process_env, samen::cli::ask_terminal,
               samen::cli::stdout_takes_color(samen::cli::process_env)});
}
