#include "app/http_paths.hpp"

#include <vector>

namespace samen::app {

std::string path_of(std::string_view target) {
    return std::string(target.substr(0, target.find('?')));
}

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    for (std::size_t start = q + 1; start <= target.size();) {
        std::size_t end = target.find('&', start);
        if (end == std::string_view::npos) end = target.size();
        const std::string_view pair = target.substr(start, end - start);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) {
            return eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1));
        }
        start = end + 1;
    }
    return std::nullopt;
}

std::string bearer_token(std::string_view authorization) {
    constexpr std::string_view prefix = "Bearer ";
    if (authorization.size() > prefix.size() && authorization.starts_with(prefix)) {
        return std::string(authorization.substr(prefix.size()));
    }
    return {};
}

std::optional<DocumentResource> document_resource_of(std::string_view rest) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0; start <= rest.size();) {
        std::size_t slash = rest.find('/', start);
        if (slash == std::string_view::npos) slash = rest.size();
        parts.push_back(rest.substr(start, slash - start));
        start = slash + 1;
    }
    if (parts.size() == 3 && parts[1] == "effective") {
        return DocumentResource{std::string(parts[0]), std::string(parts[2]), true};
    }
    if (parts.size() == 2 && parts[1] == "divergence") {
        return DocumentResource{std::string(parts[0]), std::string(), false};
    }
    return std::nullopt;
}

std::optional<std::uint64_t> revision_number(std::string_view value) {
    if (value.empty() || value.size() > 15 ||
        value.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    std::uint64_t n = 0;
    for (const char digit : value) n = n * 10 + static_cast<std::uint64_t>(digit - '0');
    return n;
}

}  // namespace samen::app
