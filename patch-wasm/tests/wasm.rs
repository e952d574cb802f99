//! wasm-bindgen-test tests of the bindings, run in Node by
//! `wasm-bindgen-test-runner` (see tests/run.sh). Each checks the bindings
//! against patch-core called directly in the same wasm module, so the
//! JavaScript door gives exactly the native library's results.
//!
//! Results are read with `to_array()` (a JavaScript-owned copy), not
//! `.data`: copying a `.data` view into a Rust `Vec` allocates wasm memory,
//! which may grow it and detach the view mid-copy.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, JSON, Reflect};
use patch_core::{
    ExtractOptions, Layout, PadMode, Padding, PatchOrder, PatchSpec, Plan, Reduce, WindowFn,
};
use patch_wasm::{PatchView, WasmArray, frame_signal, overlap_add};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn json(s: &str) -> JsValue {
    JSON::parse(s).expect("valid JSON in a test")
}

fn numbers(v: &JsValue) -> Vec<f64> {
    Array::from(v).iter().map(|x| x.as_f64().unwrap()).collect()
}

fn prop(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn message(err: &JsValue) -> String {
    prop(err, "message").as_string().unwrap()
}

fn f32_array(shape: &[usize], values: &[f32]) -> WasmArray {
    let typed = js_sys::Float32Array::from(values);
    let shape: Array = shape.iter().map(|&n| JsValue::from(n as u32)).collect();
    WasmArray::from_typed_array("float32".into(), shape.into(), typed.into()).unwrap()
}

#[wasm_bindgen_test]
fn vit_tiles_equal_patch_core() {
    let (h, w, c) = (8usize, 12usize, 3usize);
    let pixels: Vec<u8> = (0..h * w * c).map(|i| (i * 7 % 251) as u8).collect();
    let view = PatchView::new(json(
        r#"{"shape":[8,12,3],"dtype":"uint8","axes":[
            {"role":"window","size":4,"step":4},{"role":"window","size":4,"step":4},{"role":"whole"}]}"#,
    ))
    .unwrap();
    let layout = Layout::of::<u8>(&[h, w, c]).unwrap();
    let plan = Plan::valid(&layout, &PatchSpec::tiles(&[4, 4]).channels_last()).unwrap();
    assert_eq!(numbers(&view.shape().unwrap()), [2., 3., 4., 4., 3.]);
    let strides: Vec<f64> = plan
        .view_byte_strides()
        .unwrap()
        .iter()
        .map(|&s| s as f64)
        .collect();
    assert_eq!(numbers(&view.strides().unwrap()), strides);
    assert_eq!(view.num_patches().unwrap(), 6);
    assert_eq!(view.patch_len().unwrap(), 48);

    let src = WasmArray::new("uint8".into(), json("[8,12,3]")).unwrap();
    let data: js_sys::Uint8Array = src.data().unwrap().unchecked_into();
    data.copy_from(&pixels);
    let src = JsValue::from(src);
    for (order, name) in [
        (PatchOrder::PatchMajor, "patch-major"),
        (PatchOrder::FeatureMajor, "feature-major"),
    ] {
        let out = view
            .extract(src.clone(), json(&format!(r#"{{"order":"{name}"}}"#)))
            .unwrap();
        let expected = plan.extract(&pixels, order).unwrap();
        let shape: Vec<f64> = expected.shape().iter().map(|&n| n as f64).collect();
        assert_eq!(numbers(&out.shape().unwrap()), shape);
        let got: js_sys::Uint8Array = out.to_array().unwrap().unchecked_into();
        assert_eq!(got.to_vec(), expected.data());
    }
}

#[wasm_bindgen_test]
fn every_padding_equals_patch_core() {
    let shape = [5usize, 7];
    let x: Vec<f32> = (0..35).map(|v| v as f32 * 0.5 - 3.0).collect();
    let src = JsValue::from(f32_array(&shape, &x));
    let layout = Layout::of::<f32>(&shape).unwrap();
    let spec = PatchSpec::dilated(&[3, 2], &[2, 3], &[1, 2]).unwrap();
    let paddings: Vec<(&str, Padding)> = vec![
        (r#"{}"#, Padding::valid()),
        (r#"{"convention":"cover"}"#, Padding::cover()),
        (
            r#"{"convention":"same","mode":"constant"}"#,
            Padding::same(PadMode::Constant),
        ),
        (
            r#"{"convention":"same","mode":"reflect"}"#,
            Padding::same(PadMode::Reflect),
        ),
        (
            r#"{"pads":[[4,1],[0,9]],"mode":"symmetric"}"#,
            Padding::explicit(&[(4, 1), (0, 9)], PadMode::Symmetric),
        ),
        (
            r#"{"convention":"explicit","pads":[[2,2],[3,3]],"mode":"edge"}"#,
            Padding::explicit(&[(2, 2), (3, 3)], PadMode::Edge),
        ),
        (
            r#"{"pads":[[6,6],[8,1]],"mode":"wrap"}"#,
            Padding::explicit(&[(6, 6), (8, 1)], PadMode::Wrap),
        ),
    ];
    for (js, padding) in paddings {
        let view = PatchView::new(json(&format!(
            r#"{{"shape":[5,7],"dtype":"float32","axes":[
                {{"role":"window","size":3,"step":2}},{{"role":"window","size":2,"step":3,"dilation":2}}],
                "padding":{js}}}"#
        )))
        .unwrap();
        let plan = Plan::new(&layout, &spec, &padding).unwrap();
        assert_eq!(view.is_view().unwrap(), plan.is_view(), "{js}");
        for (order, name) in [
            (PatchOrder::PatchMajor, "patch-major"),
            (PatchOrder::FeatureMajor, "feature-major"),
        ] {
            // The constant travels with the copy.
            let fill = if js.contains("constant") {
                r#","fill":-7"#
            } else {
                ""
            };
            let opts = json(&format!(r#"{{"order":"{name}"{fill}}}"#));
            let out = view.extract(src.clone(), opts).unwrap();
            let opts = json(&format!(r#"{{"order":"{name}"}}"#));
            let fill = if js.contains("constant") { -7.0 } else { 0.0 };
            let expected = plan
                .extract_with(&x, &ExtractOptions::new().order(order).fill(fill))
                .unwrap();
            let got: js_sys::Float32Array = out.to_array().unwrap().unchecked_into();
            assert_eq!(got.to_vec(), expected.data(), "{js} {name}");
            // Mean fold gives x back wherever a window covers.
            let folded = view.fold(JsValue::from(out), opts).unwrap();
            let native = plan.fold(expected.data(), order, &Reduce::Mean).unwrap();
            let got: js_sys::Float32Array = folded.to_array().unwrap().unchecked_into();
            assert_eq!(got.to_vec(), native.data(), "{js} {name} fold");
        }
    }
}

#[wasm_bindgen_test]
fn weighted_fold_equals_patch_core() {
    let x: Vec<f64> = (0..100).map(|v| (v % 13) as f64).collect();
    let layout = Layout::of::<f64>(&[10, 10]).unwrap();
    let spec = PatchSpec::dilated(&[4, 4], &[3, 3], &[1, 1]).unwrap();
    let plan = Plan::new(&layout, &spec, &Padding::cover()).unwrap();
    let patches = plan.extract(&x, PatchOrder::PatchMajor).unwrap();
    let view = PatchView::new(json(
        r#"{"shape":[10,10],"dtype":"float64","axes":[{"role":"window","size":4,"step":3},
            {"role":"window","size":4,"step":3}],"padding":{"convention":"cover"}}"#,
    ))
    .unwrap();
    let typed = js_sys::Float64Array::from(patches.data());
    for (opts, reduce) in [
        (r#"{"window":"hann"}"#, Reduce::Weighted(WindowFn::Hann)),
        (
            r#"{"reduce":"weighted","window":"gaussian","sigmaScale":0.25}"#,
            Reduce::Weighted(WindowFn::Gaussian { sigma_scale: 0.25 }),
        ),
        (r#"{"reduce":"sum"}"#, Reduce::Sum),
        (r#"{"reduce":"overwrite"}"#, Reduce::Overwrite),
        (
            r#"{"window":[[1,2,3,4],[0,1,1,0]]}"#,
            Reduce::Weighted(WindowFn::PerAxis(vec![
                vec![1., 2., 3., 4.],
                vec![0., 1., 1., 0.],
            ])),
        ),
    ] {
        let out = view.fold(typed.clone().into(), json(opts)).unwrap();
        let native = plan
            .fold(patches.data(), PatchOrder::PatchMajor, &reduce)
            .unwrap();
        let got: js_sys::Float64Array = out.to_array().unwrap().unchecked_into();
        assert_eq!(got.to_vec(), native.data(), "{opts}");
        assert_eq!(out.dtype().unwrap(), "float64");
    }
}

/// patch-core's summary JSON with camelCase keys and without the
/// constant (which travels with each copy), rewritten here independently
/// of the bindings.
fn camel_json(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Array(items) => Value::Array(items.into_iter().map(camel_json).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| k != "value")
                .map(|(k, v)| {
                    let parts: Vec<&str> = k.split('_').collect();
                    let mut key = parts[0].to_string();
                    for p in &parts[1..] {
                        key.push_str(&p[..1].to_uppercase());
                        key.push_str(&p[1..]);
                    }
                    (key, camel_json(v))
                })
                .collect(),
        ),
        other => other,
    }
}

#[wasm_bindgen_test]
fn plan_is_patch_core_json_in_camel_case() {
    let view = PatchView::new(json(
        r#"{"shape":[3,9,9],"dtype":"int16","axes":[{"role":"whole"},
            {"role":"window","size":3,"dilation":2},{"role":"window","size":4,"step":2}],
            "padding":{"pads":[[1,1],[0,3]],"mode":"constant"}}"#,
    ))
    .unwrap();
    let layout = Layout::contiguous(&[3, 9, 9], 2).unwrap();
    let spec = PatchSpec::dilated(&[3, 4], &[1, 2], &[2, 1])
        .unwrap()
        .channels_first();
    let plan = Plan::new(
        &layout,
        &spec,
        &Padding::explicit(&[(1, 1), (0, 3)], PadMode::Constant),
    )
    .unwrap();
    let native = camel_json(serde_json::to_value(plan.summary().unwrap()).unwrap());
    assert!(native.get("inputByteStrides").is_some() && native["axes"][1].get("padLo").is_some());
    let ours = String::from(JSON::stringify(&view.plan().unwrap()).unwrap());
    let ours: serde_json::Value = serde_json::from_str(&ours).unwrap();
    assert_eq!(ours, native);
}

#[wasm_bindgen_test]
fn errors_name_the_kind_and_leave_objects_usable() {
    let err = PatchView::new(json(
        r#"{"shape":[4,8],"dtype":"float32","axes":[{"role":"batch"},{"role":"window","size":5,"dilation":2}]}"#,
    ))
    .err()
    .unwrap();
    assert_eq!(
        message(&err),
        "window too large: window 5 (extent 9 with dilation 2) is larger than axis 1 of length 8"
    );
    assert_eq!(prop(&err, "name").as_string().unwrap(), "PatchError");
    assert_eq!(prop(&err, "kind").as_string().unwrap(), "window too large");
    assert!(err.is_instance_of::<js_sys::Error>());

    let view = PatchView::new(json(
        r#"{"shape":[6],"dtype":"float32","axes":[{"role":"window","size":3,"step":3}]}"#,
    ))
    .unwrap();
    let small = JsValue::from(f32_array(&[5], &[1., 2., 3., 4., 5.]));
    let e = view.extract(small, JsValue::UNDEFINED).err().unwrap();
    assert!(
        message(&e).starts_with("out of bounds: "),
        "{}",
        message(&e)
    );
    let e = view.patch_origin(2.0.into()).err().unwrap();
    assert_eq!(
        message(&e),
        "out of bounds: patch 2 is out of range for 2 patches"
    );
    let e = view.patch_origin((-1.0).into()).err().unwrap();
    assert_eq!(
        message(&e),
        "invalid argument: patch index k must be a non-negative integer, got -1"
    );
    // Still usable.
    let good = JsValue::from(f32_array(&[6], &[1., 2., 3., 4., 5., 6.]));
    let out = view.extract(good, JsValue::UNDEFINED).unwrap();
    let got: js_sys::Float32Array = out.to_array().unwrap().unchecked_into();
    assert_eq!(got.to_vec(), [1., 2., 3., 4., 5., 6.]);
    assert_eq!(numbers(&view.patch_origin(1.0.into()).unwrap()), [3.]);
}

#[wasm_bindgen_test]
fn data_is_recreated_after_memory_growth() {
    let a = f32_array(&[4], &[1., 2., 3., 4.]);
    let old: js_sys::Float32Array = a.data().unwrap().unchecked_into();
    assert_eq!(old.length(), 4);
    let big = WasmArray::new("uint8".into(), json("[67108864]")).unwrap();
    assert_eq!(old.length(), 0, "memory growth detaches older views");
    let fresh: js_sys::Float32Array = a.data().unwrap().unchecked_into();
    assert_eq!(fresh.to_vec(), [1., 2., 3., 4.]);
    drop(big);
}

#[wasm_bindgen_test]
fn frame_and_overlap_add_equal_patch_core() {
    let signal: Vec<f32> = (0..23).map(|v| v as f32).collect();
    for pad_end in [false, true] {
        let opts = json(&format!(r#"{{"padEnd":{pad_end},"fill":-1}}"#));
        let typed = js_sys::Float32Array::from(&signal[..]);
        let frames = frame_signal(typed.into(), 6.0.into(), 4.0.into(), opts).unwrap();
        let native = patch_core::frame(&signal, 6, 4, pad_end, -1.0).unwrap();
        let got: js_sys::Float32Array = frames.to_array().unwrap().unchecked_into();
        assert_eq!(got.to_vec(), native.data());
        let shape: Vec<f64> = native.shape().iter().map(|&n| n as f64).collect();
        assert_eq!(numbers(&frames.shape().unwrap()), shape);
        let added = overlap_add(JsValue::from(frames), 6.0.into(), 4.0.into()).unwrap();
        let native = patch_core::overlap_add(native.data(), 6, 4).unwrap();
        let got: js_sys::Float32Array = added.to_array().unwrap().unchecked_into();
        assert_eq!(got.to_vec(), native.data());
    }
}

/// A small deterministic generator (no dependencies in wasm).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Random geometries, including invalid ones: the bindings either throw a
/// PatchError or give exactly patch-core's patches and folds; never a trap.
#[wasm_bindgen_test]
fn random_geometries_match_patch_core_or_throw() {
    let mut rng = Lcg(0x5eed);
    let (mut ok, mut thrown) = (0, 0);
    for _ in 0..400 {
        let ndim = 1 + rng.below(3) as usize;
        let shape: Vec<usize> = (0..ndim).map(|_| rng.below(7) as usize).collect();
        let mut roles_js = Vec::new();
        let mut roles = Vec::new();
        let mut n_windows = 0;
        for _ in 0..ndim {
            match rng.below(4) {
                0 => {
                    roles_js.push(r#"{"role":"whole"}"#.to_string());
                    roles.push(patch_core::AxisRole::Whole);
                }
                1 => {
                    roles_js.push(r#"{"role":"batch"}"#.to_string());
                    roles.push(patch_core::AxisRole::Batch);
                }
                _ => {
                    let (size, step, dil) = (rng.below(5), rng.below(4), rng.below(3));
                    roles_js.push(format!(
                        r#"{{"role":"window","size":{size},"step":{step},"dilation":{dil}}}"#
                    ));
                    roles.push(patch_core::AxisRole::window(
                        size as usize,
                        step as usize,
                        dil as usize,
                    ));
                    n_windows += 1;
                }
            }
        }
        let modes = [
            ("constant", PadMode::Constant),
            ("reflect", PadMode::Reflect),
            ("symmetric", PadMode::Symmetric),
            ("edge", PadMode::Edge),
            ("wrap", PadMode::Wrap),
        ];
        let (mode_js, mode) = modes[rng.below(5) as usize];
        // The constant travels with the copy (as `fill`), not in the view.
        let value = "";
        let (padding_js, padding) = match rng.below(4) {
            0 => ("{}".to_string(), Padding::valid()),
            1 => (
                format!(r#"{{"convention":"same","mode":"{mode_js}"{value}}}"#),
                Padding::same(mode),
            ),
            2 => (r#"{"convention":"cover"}"#.to_string(), Padding::cover()),
            _ => {
                let pads: Vec<(usize, usize)> = (0..n_windows)
                    .map(|_| (rng.below(4) as usize, rng.below(4) as usize))
                    .collect();
                let list: Vec<String> = pads.iter().map(|(a, b)| format!("[{a},{b}]")).collect();
                (
                    format!(
                        r#"{{"pads":[{}],"mode":"{mode_js}"{value}}}"#,
                        list.join(",")
                    ),
                    Padding::explicit(&pads, mode),
                )
            }
        };
        let shape_js: Vec<String> = shape.iter().map(|n| n.to_string()).collect();
        let options = format!(
            r#"{{"shape":[{}],"dtype":"float64","axes":[{}],"padding":{padding_js}}}"#,
            shape_js.join(","),
            roles_js.join(",")
        );
        let native = Layout::of::<f64>(&shape)
            .and_then(|l| Plan::new(&l, &PatchSpec::new(roles.clone()), &padding));
        let view = match PatchView::new(json(&options)) {
            Ok(v) => v,
            Err(e) => {
                let native = native.expect_err(&options);
                assert_eq!(message(&e), native.to_string(), "{options}");
                thrown += 1;
                continue;
            }
        };
        let plan = native.expect(&options);
        if plan.copy_len() > 20_000 {
            continue;
        }
        let n: usize = shape.iter().product();
        let x: Vec<f64> = (0..n).map(|v| v as f64 + 0.25).collect();
        let src = JsValue::from(
            WasmArray::from_typed_array(
                "float64".into(),
                json(&format!("[{}]", shape_js.join(","))),
                js_sys::Float64Array::from(&x[..]).into(),
            )
            .unwrap(),
        );
        let order = if rng.below(2) == 0 {
            PatchOrder::PatchMajor
        } else {
            PatchOrder::FeatureMajor
        };
        let order_name = if order == PatchOrder::PatchMajor {
            "patch-major"
        } else {
            "feature-major"
        };
        let order_js = json(&format!(r#"{{"order":"{order_name}"}}"#));
        let fill = if matches!(padding.mode, PadMode::Constant) {
            r#","fill":9"#
        } else {
            ""
        };
        let extract_js = json(&format!(r#"{{"order":"{order_name}"{fill}}}"#));
        let out = view.extract(src, extract_js).unwrap();
        let native_fill = if fill.is_empty() { 0.0 } else { 9.0 };
        let expected = plan
            .extract_with(&x, &ExtractOptions::new().order(order).fill(native_fill))
            .unwrap();
        let got: js_sys::Float64Array = out.to_array().unwrap().unchecked_into();
        assert_eq!(got.to_vec(), expected.data(), "{options}");
        let folded = view.fold(JsValue::from(out), order_js).unwrap();
        let got: js_sys::Float64Array = folded.to_array().unwrap().unchecked_into();
        assert_eq!(
            got.to_vec(),
            plan.fold(expected.data(), order, &Reduce::Mean)
                .unwrap()
                .data(),
            "{options}"
        );
        ok += 1;
    }
    assert!(ok > 50 && thrown > 50, "{ok} planned, {thrown} rejected");
}
