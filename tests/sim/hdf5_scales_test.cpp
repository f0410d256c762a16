#include "sim/hdf5_scales.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/hdf5_handle.hpp"

using msim::hdf5::Handle;
using msim::hdf5::ScaleLinks;
using msim::test::TempDir;

namespace {

/// A file with three scales (step, firm, category) and two datasets, "sales" [step, category,
/// firm] and "strategy" [firm], made the same way each time, so that objects sit at the same
/// addresses in every such file.
struct Scene {
  Handle file, step, firm, category, sales, strategy;

  explicit Scene(const std::string& path)
      : file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose) {
    REQUIRE(file.get() >= 0);
    step = dataset("step", {4});
    firm = dataset("firm", {3});
    category = dataset("category", {2});
    sales = dataset("sales", {4, 2, 3});
    strategy = dataset("strategy", {3});
    REQUIRE(H5DSset_scale(step.get(), "step") >= 0);
    REQUIRE(H5DSset_scale(firm.get(), "firm") >= 0);
    REQUIRE(H5DSset_scale(category.get(), "category") >= 0);
  }

  /// Attaches the scales with ScaleLinks: step, category and firm to the axes of "sales", firm
  /// to "strategy".
  void link() {
    ScaleLinks links("scene.h5");
    links.attach(sales.get(), "/sales",
                 {{step.get(), "step"}, {category.get(), "category"}, {firm.get(), "firm"}});
    links.attach(strategy.get(), "/strategy", {{firm.get(), "firm"}});
    links.write_references();
  }

  Handle dataset(const char* name, const std::vector<hsize_t>& dims) const {
    Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
    Handle ds(H5Dcreate2(file.get(), name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT),
              H5Dclose);
    REQUIRE(ds.get() >= 0);
    return ds;
  }
};

std::string label(hid_t dataset, unsigned axis) {
  std::array<char, 64> text{};
  REQUIRE(H5DSget_label(dataset, axis, text.data(), text.size()) >= 0);
  return text.data();
}

/// The raw bytes of attribute `name` of `object`, read as stored (references are addresses,
/// the same in two files built alike).
std::vector<unsigned char> raw_attribute(hid_t object, const char* name) {
  Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  REQUIRE(attribute.get() >= 0);
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  if (H5Tget_class(type.get()) == H5T_VLEN) {  // one reference per axis here
    std::vector<hvl_t> lists(n);
    REQUIRE(H5Aread(attribute.get(), type.get(), lists.data()) >= 0);
    std::vector<unsigned char> bytes;
    for (const hvl_t& list : lists) {
      bytes.push_back(static_cast<unsigned char>(list.len));
      const auto* p = static_cast<const unsigned char*>(list.p);
      bytes.insert(bytes.end(), p, p + list.len * sizeof(hobj_ref_t));
    }
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, lists.data());
    return bytes;
  }
  std::vector<unsigned char> bytes(n * H5Tget_size(type.get()));
  REQUIRE(H5Aread(attribute.get(), type.get(), bytes.data()) >= 0);
  return bytes;
}

}  // namespace

TEST_CASE("scale links: HDF5's dimension-scale API reads what they write", "[hdf5]") {
  TempDir dir;
  msim::hdf5::silence_hdf5();
  Scene scene(dir.file("links.h5"));
  scene.link();

  const hid_t axes[] = {scene.step.get(), scene.category.get(), scene.firm.get()};
  const char* names[] = {"step", "category", "firm"};
  for (unsigned k = 0; k < 3; ++k) {
    INFO("axis " << k);
    CHECK(H5DSget_num_scales(scene.sales.get(), k) == 1);
    CHECK(H5DSis_attached(scene.sales.get(), axes[k], k) == 1);
    CHECK(label(scene.sales.get(), k) == names[k]);
  }
  CHECK(H5DSis_attached(scene.sales.get(), scene.firm.get(), 1) == 0);  // firm is axis 2
  CHECK(H5DSis_attached(scene.strategy.get(), scene.firm.get(), 0) == 1);
  CHECK(label(scene.strategy.get(), 0) == "firm");
  // HDF5 can go on from them: a second scale on an axis joins both lists.
  Handle other = scene.dataset("other_firm", {3});
  REQUIRE(H5DSset_scale(other.get(), "other") >= 0);
  REQUIRE(H5DSattach_scale(scene.strategy.get(), other.get(), 0) >= 0);
  CHECK(H5DSget_num_scales(scene.strategy.get(), 0) == 2);
  CHECK(H5DSis_attached(scene.strategy.get(), scene.firm.get(), 0) == 1);
  REQUIRE(H5DSdetach_scale(scene.sales.get(), scene.firm.get(), 2) >= 0);
  CHECK(H5DSget_num_scales(scene.sales.get(), 2) == 0);
  CHECK(H5DSis_attached(scene.strategy.get(), scene.firm.get(), 0) == 1);
}

TEST_CASE("scale links: the same attributes as H5DSattach_scale and H5DSset_label", "[hdf5]") {
  TempDir dir;
  msim::hdf5::silence_hdf5();
  Scene ours(dir.file("ours.h5"));
  Scene theirs(dir.file("theirs.h5"));
  ours.link();
  const auto attach = [&](hid_t dataset, hid_t scale, unsigned axis, const char* name) {
    REQUIRE(H5DSattach_scale(dataset, scale, axis) >= 0);
    REQUIRE(H5DSset_label(dataset, axis, name) >= 0);
  };
  attach(theirs.sales.get(), theirs.step.get(), 0, "step");
  attach(theirs.sales.get(), theirs.category.get(), 1, "category");
  attach(theirs.sales.get(), theirs.firm.get(), 2, "firm");
  attach(theirs.strategy.get(), theirs.firm.get(), 0, "firm");

  CHECK(raw_attribute(ours.sales.get(), "DIMENSION_LIST") ==
        raw_attribute(theirs.sales.get(), "DIMENSION_LIST"));
  CHECK(raw_attribute(ours.strategy.get(), "DIMENSION_LIST") ==
        raw_attribute(theirs.strategy.get(), "DIMENSION_LIST"));
  for (unsigned k = 0; k < 3; ++k)
    CHECK(label(ours.sales.get(), k) == label(theirs.sales.get(), k));
  CHECK(label(ours.strategy.get(), 0) == label(theirs.strategy.get(), 0));
  CHECK(raw_attribute(ours.step.get(), "REFERENCE_LIST") ==
        raw_attribute(theirs.step.get(), "REFERENCE_LIST"));
  CHECK(raw_attribute(ours.category.get(), "REFERENCE_LIST") ==
        raw_attribute(theirs.category.get(), "REFERENCE_LIST"));
  CHECK(raw_attribute(ours.firm.get(), "REFERENCE_LIST") ==
        raw_attribute(theirs.firm.get(), "REFERENCE_LIST"));
  // Two entries in the firm scale's list, in the order attached.
  CHECK(raw_attribute(ours.firm.get(), "REFERENCE_LIST").size() == 2 * 16);
}

TEST_CASE("scale links: one scale for each axis", "[hdf5]") {
  TempDir dir;
  msim::hdf5::silence_hdf5();
  Scene scene(dir.file("axes.h5"));
  ScaleLinks links("axes.h5");
  CHECK_THROWS_AS(links.attach(scene.sales.get(), "/sales", {{scene.step.get(), "step"}}),
                  std::runtime_error);
}
