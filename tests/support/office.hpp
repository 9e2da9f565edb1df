// A file as a real office suite lays it out: LibreOffice (headless) makes a PDF of an ODT or a
// DOCX, and pdftotext reads that. For the tests of the plan's exports.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "command_output.hpp"

namespace samen::test {

/// The PDF LibreOffice prints of `file`, made in `out_dir` (with its profile there too).
inline std::filesystem::path as_office_prints_it(const std::filesystem::path& file,
                                                 const std::filesystem::path& out_dir) {
    output_of("HOME=" + (out_dir / "lo-home").string() +
              " soffice --headless --norestore --convert-to pdf --outdir " + out_dir.string() +
              " " + file.string() + " 2>&1");
    const auto pdf = out_dir / (file.stem().string() + ".pdf");
    if (!std::filesystem::exists(pdf)) {
        throw std::runtime_error("LibreOffice made no PDF of " + file.string());
    }
    return pdf;
}

/// The text LibreOffice lays out of `file` (its PDF, as pdftotext reads it).
inline std::string as_office_reads_it(const std::filesystem::path& file,
                                      const std::filesystem::path& out_dir) {
    return output_of("pdftotext -layout " + as_office_prints_it(file, out_dir).string() + " -");
}

}  // namespace samen::test
