//! The derive must register `#[regulated]` wherever the marking may go: on the struct or enum,
//! on its fields, on its variants and on the fields of its variants. If it did not, this file
//! would not compile ("cannot find attribute `regulated` in this scope").

use regulated::Regulated;

#[derive(Regulated, Debug, Clone, PartialEq)]
#[regulated(phi)]
struct Patient {
    #[regulated(phi, id = "mrn")]
    mrn: String,
    #[regulated(phi, id = "ssn", never_store)]
    ssn: String,
    /// gate: regulated(phi, id = "dob")
    date_of_birth: String,
    ward: u32,
}

#[derive(Regulated, Debug, Clone, PartialEq)]
#[regulated(pci)]
enum PaymentMethod {
    Invoice,
    #[regulated(pci, id = "pan")]
    Card {
        #[regulated(pci, id = "pan")]
        pan: String,
        #[regulated(pci, id = "cvv", never_store)]
        cvv: String,
    },
    #[regulated(pii, id = "iban")]
    Transfer(#[regulated(pii, id = "iban")] String),
}

/// A tuple struct marked at the type: every field of type `Mrn` is marked.
#[derive(Regulated, Debug, PartialEq)]
#[regulated(phi, id = "mrn")]
struct Mrn(#[regulated(phi, id = "mrn")] String);

/// An organisation's own category, and a generic type.
#[derive(Regulated)]
struct Envelope<T> {
    #[regulated(trade_secret)]
    payload: T,
}

#[test]
fn the_derive_adds_nothing_and_the_types_work_as_before() {
    let patient = Patient {
        mrn: "MRN-1".into(),
        ssn: "000-00-0000".into(),
        date_of_birth: "1970-01-01".into(),
        ward: 3,
    };
    assert_eq!(patient.clone(), patient);
    assert_eq!(patient.ward, 3);
    assert_eq!(
        patient.mrn.len() + patient.ssn.len() + patient.date_of_birth.len(),
        26
    );

    let methods = [
        PaymentMethod::Invoice,
        PaymentMethod::Card {
            pan: "4111111111111111".into(),
            cvv: "123".into(),
        },
        PaymentMethod::Transfer("DE00".into()),
    ];
    assert_eq!(methods.len(), 3);
    assert!(matches!(&methods[1], PaymentMethod::Card { cvv, .. } if cvv.len() == 3));
    assert!(matches!(&methods[2], PaymentMethod::Transfer(iban) if iban == "DE00"));
    assert_ne!(methods[0], methods[2]);

    assert_eq!(Mrn("MRN-1".into()), Mrn(patient.mrn));
    assert_eq!(Envelope { payload: 7u8 }.payload, 7);
}
