// The checks that tie an enrolment to its product's programme (CS-2, CS-4, CS-17). Service
// orders run them when applied, and products.json runs them again for the enrolments a
// changed product already has, so that neither document can leave the other invalid.
#pragma once

#include <string>
#include <vector>

#include "catalog/documents/document.hpp"

namespace lifeline::catalog::documents {

// Problems of `enrolment` against `product`, with pointers under `pointer` (the enrolment's).
std::vector<Problem> check_enrolment_fits(const Enrolment& enrolment, const Product& product,
                                          const std::string& pointer);

} // namespace lifeline::catalog::documents
