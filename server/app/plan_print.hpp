// A municipality's plan as the college and the raad get it (docs/plan-steps.md): its effective
// plan turned into what the exports render (export/export.hpp): a title page that says where the
// plan stands, its priorities first, its prose, and each chapter's measures as a table with their
// budgets summed per thema and in all.
#pragma once

#include <string>
#include <string_view>

#include "export/export.hpp"
#include "model/document.hpp"

namespace samen::app {

/// `doc` as it stands (or as rewound to a revision) for `municipality`, which takes part.
/// `today` (YYYY-MM-DD) dates a plan that no named version describes.
exporting::PrintPlan print_plan(const model::Document& doc, std::string_view municipality,
                                const std::string& today);

/// "ivp-2023-2026-kampen-r412.pdf": the document, the municipality and the revision.
std::string export_file_name(const model::Document& doc, std::string_view municipality,
                             exporting::Format format);

}  // namespace samen::app
