// RFC 9457 problem details for the errors the network layer answers itself.
#pragma once

#include <string>
#include <string_view>

namespace samen::net {

inline constexpr std::string_view problem_content_type = "application/problem+json";

/// {"type":"about:blank","title":<reason phrase of status>,"status":status,"detail":detail}
std::string problem_body(unsigned status, std::string_view detail);

/// "Not Found" for 404 and so on; "Error" for a status it does not know.
std::string_view status_title(unsigned status);

}  // namespace samen::net
