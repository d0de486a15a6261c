//! Great-circle distances and the grid that indexes the directory (R-DIR-1, R-DIR-3).

use crate::Invalid;

/// Mean Earth radius (IUGG), in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Size of a directory grid cell, in degrees of latitude and of longitude (≈ 11 × 7.7 km in
/// mainland France): small enough that a 2 km search reads a handful of cells, large enough that
/// a 100 km one reads a few hundred.
pub const CELL_DEGREES: f64 = 0.1;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    latitude: f64,
    longitude: f64,
}

impl Point {
    pub fn new(latitude: f64, longitude: f64) -> Result<Point, Invalid> {
        if latitude.is_finite()
            && longitude.is_finite()
            && latitude.abs() <= 90.0
            && longitude.abs() <= 180.0
        {
            Ok(Point {
                latitude,
                longitude,
            })
        } else {
            Err(Invalid::new(
                "invalid_coordinates",
                "Coordonnées hors limites.",
            ))
        }
    }

    pub fn latitude(self) -> f64 {
        self.latitude
    }

    pub fn longitude(self) -> f64 {
        self.longitude
    }

    /// Great-circle (haversine) distance, in km.
    pub fn distance_km(self, other: Point) -> f64 {
        let (phi1, phi2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let d_phi = phi2 - phi1;
        let d_lambda = (other.longitude - self.longitude).to_radians();
        let a =
            (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }

    /// The grid cell holding this point.
    pub fn cell(self) -> Cell {
        Cell {
            row: (self.latitude / CELL_DEGREES).floor() as i32,
            column: (self.longitude / CELL_DEGREES).floor() as i32,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    pub row: i32,
    pub column: i32,
}

/// The cells that may hold a point within `radius_km` of `centre`: rows and columns, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRange {
    pub rows: (i32, i32),
    pub columns: (i32, i32),
}

/// The latitude/longitude rectangle holding the disc of `radius_km` around a centre: a test
/// without trigonometry that rules out most points before the haversine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub south: f64,
    pub north: f64,
    pub west: f64,
    pub east: f64,
}

impl BoundingBox {
    pub fn around(centre: Point, radius_km: f64) -> BoundingBox {
        let lat_margin = (radius_km / EARTH_RADIUS_KM).to_degrees();
        // The widest longitude span is at the latitude closest to a pole within the box.
        let widest = (centre.latitude.abs() + lat_margin).min(89.0).to_radians();
        let lon_margin = (lat_margin / widest.cos()).min(180.0);
        BoundingBox {
            south: (centre.latitude - lat_margin).max(-90.0),
            north: (centre.latitude + lat_margin).min(90.0),
            west: (centre.longitude - lon_margin).max(-180.0),
            east: (centre.longitude + lon_margin).min(180.0),
        }
    }

    pub fn contains(&self, latitude: f64, longitude: f64) -> bool {
        (self.south..=self.north).contains(&latitude)
            && (self.west..=self.east).contains(&longitude)
    }
}

impl CellRange {
    pub fn around(centre: Point, radius_km: f64) -> CellRange {
        let bounds = BoundingBox::around(centre, radius_km);
        let low = Point {
            latitude: bounds.south,
            longitude: bounds.west,
        }
        .cell();
        let high = Point {
            latitude: bounds.north,
            longitude: bounds.east,
        }
        .cell();
        CellRange {
            rows: (low.row, high.row),
            columns: (low.column, high.column),
        }
    }

    pub fn contains(&self, cell: Cell) -> bool {
        (self.rows.0..=self.rows.1).contains(&cell.row)
            && (self.columns.0..=self.columns.1).contains(&cell.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(lat: f64, lon: f64) -> Point {
        Point::new(lat, lon).unwrap()
    }

    #[test]
    fn known_distances() {
        // Paris (Notre-Dame) – Lyon (Bellecour): ≈ 392 km.
        let d = p(48.8530, 2.3499).distance_km(p(45.7578, 4.8320));
        assert!((d - 392.0).abs() < 2.0, "{d}");
        assert_eq!(p(43.0, 5.0).distance_km(p(43.0, 5.0)), 0.0);
        // One degree of latitude ≈ 111.2 km.
        let d = p(45.0, 5.0).distance_km(p(46.0, 5.0));
        assert!((d - 111.2).abs() < 0.1, "{d}");
    }

    #[test]
    fn invalid_coordinates_are_refused() {
        assert!(Point::new(91.0, 0.0).is_err());
        assert!(Point::new(0.0, -180.5).is_err());
        assert!(Point::new(f64::NAN, 0.0).is_err());
    }

    #[test]
    fn cells_of_negative_coordinates_round_down() {
        assert_eq!(
            p(-21.11, 55.53).cell(),
            Cell {
                row: -212,
                column: 555
            }
        );
        assert_eq!(
            p(48.85, -0.05).cell(),
            Cell {
                row: 488,
                column: -1
            }
        );
    }

    proptest! {
        /// Whatever lies within the radius lies in the cell range (the index never misses).
        #[test]
        fn cell_range_covers_the_disc(
            lat in -60.0f64..60.0, lon in -170.0f64..170.0,
            radius in 0.5f64..100.0, bearing in 0.0f64..360.0, fraction in 0.0f64..1.0,
        ) {
            let centre = p(lat, lon);
            // A point at `fraction × radius` in direction `bearing` (spherical destination formula).
            let delta = radius * fraction / EARTH_RADIUS_KM;
            let (phi1, lambda1, theta) = (lat.to_radians(), lon.to_radians(), bearing.to_radians());
            let phi2 = (phi1.sin() * delta.cos() + phi1.cos() * delta.sin() * theta.cos()).asin();
            let lambda2 = lambda1 + (theta.sin() * delta.sin() * phi1.cos()).atan2(delta.cos() - phi1.sin() * phi2.sin());
            let target = p(phi2.to_degrees(), lambda2.to_degrees());
            prop_assert!(centre.distance_km(target) <= radius + 1e-6);
            prop_assert!(CellRange::around(centre, radius).contains(target.cell()));
            prop_assert!(BoundingBox::around(centre, radius).contains(target.latitude(), target.longitude()));
        }
    }
}
